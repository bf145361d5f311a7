using Renci.SshNet;

namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// The way to a server: straight to it, or through its jump hosts. A jump host is an SSH
/// connection of its own (its key verified and its credentials offered like a target's) that
/// forwards a port on 127.0.0.1 to the next hop; the next hop's SSH session runs over that port.
/// SSH.NET opens direct-tcpip channels only behind a forwarded port, hence the port: it is
/// bound to loopback, on a port the system picks, and lives only while the connection does;
/// the next hop's host key is still checked under its own name, so nothing else can stand in.
/// </summary>
internal sealed class JumpRoute : IDisposable
{
    private readonly JumpConnections.Lease? _via;
    private readonly ForwardedPortLocal? _forward;

    private JumpRoute(string address, int port, JumpConnections.Lease? via, ForwardedPortLocal? forward)
    {
        Address = address;
        Port = port;
        _via = via;
        _forward = forward;
    }

    /// <summary>The address to open the TCP connection to.</summary>
    public string Address { get; }

    /// <summary>The port to open the TCP connection to.</summary>
    public int Port { get; }

    /// <summary>For messages: empty for a direct connection, else which jump host it went through.</summary>
    public string Through => _via is null ? string.Empty : $" through the jump host {_via.Shell.Name}";

    /// <summary>Opens the route to <paramref name="target"/>: connects its jump hosts, the last one forwarding to it.</summary>
    public static JumpRoute Open(SshSettings target, Func<string, string?> environment, string homeFolder, CancellationToken cancellationToken)
    {
        if (target.JumpHosts.Count == 0)
        {
            return new JumpRoute(target.Host.Host, target.Host.Port, null, null);
        }

        var hop = target.JumpHosts[^1] with { JumpHosts = target.JumpHosts.Take(target.JumpHosts.Count - 1).ToArray() };
        JumpConnections.Lease via;
        try
        {
            via = JumpConnections.Acquire(hop, () => SshShell.Connect(hop, environment, homeFolder, cancellationToken));
        }
        catch (DeployException e)
        {
            throw AsHopError(e, hop, target);
        }

        try
        {
            ForwardedPortLocal forward;
            lock (via.Shell)
            {
                forward = via.Shell.Forward(target.Host.Host, target.Host.Port);
            }

            return new JumpRoute("127.0.0.1", (int)forward.BoundPort, via, forward);
        }
        catch (Exception e) when (e is Renci.SshNet.Common.SshException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            via.Dispose();
            throw new DeployException(ErrorCodes.JumpHostUnreachable,
                $"The jump host {hop.Host} cannot forward a connection to {target.Host} ({e.GetType().Name}: {Remote.ServerText.OneLine(e.Message)}). Check that its sshd allows TCP forwarding (AllowTcpForwarding).", e);
        }
    }

    /// <summary>Closes the forwarded port, then the jump host's connection (and the hops before it) unless another route still goes through it.</summary>
    public void Dispose()
    {
        _forward?.Dispose();
        _via?.Dispose();
    }

    private static DeployException AsHopError(DeployException e, SshSettings hop, SshSettings target)
    {
        var code = e.Code switch
        {
            ErrorCodes.Unreachable => ErrorCodes.JumpHostUnreachable,
            ErrorCodes.HostKeyUnknown or ErrorCodes.HostKeyChanged or ErrorCodes.HostKeyRevoked or ErrorCodes.HostKeyCertificateUnsupported => ErrorCodes.JumpHostKeyRefused,
            _ => e.Code,
        };

        // An error of a hop further back already names its hop.
        return e.Code is ErrorCodes.JumpHostUnreachable or ErrorCodes.JumpHostKeyRefused or ErrorCodes.ProxyJumpLoop or ErrorCodes.JumpHostInvalid or ErrorCodes.Cancelled
            ? e
            : new DeployException(code, $"On the jump host {hop.Host} (on the way to {target.Host}): {e.Message}", e);
    }
}
