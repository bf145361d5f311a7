using System.Net.Sockets;

namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// The error for a host name that does not resolve. Most often it is an alias the user meant to
/// define in the ssh config (a typo, another file, a block without HostName), so the message
/// names the config that was read, or says that none was.
/// </summary>
internal static class UnresolvedHost
{
    public static DeployException Error(SshSettings settings, SocketException e) =>
        new(ErrorCodes.HostNameUnresolved,
            $"The host name '{settings.Host.Host}' does not resolve ({e.SocketErrorCode}): it is no alias of {(settings.Origin is null ? "an ssh config (none was read)" : $"the ssh config {settings.Origin}")} with a HostName, and DNS does not know it. Check the name, or add a Host block with its HostName.",
            e);
}
