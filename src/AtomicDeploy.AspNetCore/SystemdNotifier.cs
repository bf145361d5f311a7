using System.Net.Sockets;
using System.Text;

namespace AtomicDeploy.AspNetCore;

/// <summary>
/// Sends <c>sd_notify(3)</c> messages (<c>READY=1</c>, <c>STOPPING=1</c>) to the socket systemd
/// names in <c>NOTIFY_SOCKET</c>: what a <c>Type=notify</c> service must send, written here so the
/// package needs no other package than ASP.NET Core.
/// </summary>
internal sealed class SystemdNotifier(string socketPath)
{
    /// <summary>The notifier for the socket in <c>NOTIFY_SOCKET</c>, or null when systemd set none.</summary>
    public static SystemdNotifier? FromEnvironment() =>
        Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 } path ? new SystemdNotifier(path) : null;

    /// <summary>Sends one message; a failure is ignored, as sd_notify does, since systemd may be gone.</summary>
    public bool Notify(string message)
    {
        // A leading '@' names a socket in the abstract namespace, which the kernel writes with a NUL.
        var path = socketPath.StartsWith('@') ? "\0" + socketPath[1..] : socketPath;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            socket.Send(Encoding.UTF8.GetBytes(message));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
