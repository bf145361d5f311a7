using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>The test sshd reached through a <see cref="TcpProxy"/> (a link a test can stall, pause or cut).</summary>
internal static class ProxiedSsh
{
    /// <summary>
    /// Settings that reach <paramref name="server"/> through <paramref name="proxy"/>, with a
    /// known_hosts file in <paramref name="folder"/> that knows the server's key at the proxy's port.
    /// </summary>
    public static SshSettings Settings(SshServer server, TcpProxy proxy, TempFolder folder)
    {
        var knownHosts = folder.Combine("known_hosts");
        File.WriteAllText(knownHosts, $"[127.0.0.1]:{proxy.Port} {server.HostKeyType} {server.HostKeyBase64}\n");
        return EngineDeploy.Settings(server, knownHosts) with { Host = new HostAddress(server.User, "127.0.0.1", proxy.Port) };
    }
}
