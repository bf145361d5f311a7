using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Connections through a relay in front of the real sshd: one dropped before the server's banner is
/// tried once more and the deploy goes on; a wrong host key is never tried twice; and no more than
/// AtomicDeployConnectLimit connections start at once, however many hosts there are.
/// </summary>
[TestClass]
public sealed class ConnectionsRetriedAndThrottled
{
    [TestMethod]
    [DataRow(true, DisplayName = "reset")]
    [DataRow(false, DisplayName = "closed")]
    public void A_connection_dropped_before_the_banner_is_tried_again_and_the_deploy_succeeds(bool reset)
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "retried");
        using var proxy = new TcpProxy(server.Port);
        proxy.DropNext(1, reset);
        using var knownHosts = new TempFolder();
        var log = new RecordingLog();

        string release;
        using (var deployment = Deployment.Open(Settings(root, source.Path, knownHosts, server, proxy), log, Connect))
        {
            release = deployment.Run(DateTime.UtcNow, CancellationToken.None);
        }

        Assert.AreEqual($"releases/{release}", new RemoteTree(root).CurrentLink);
        Assert.AreEqual("retried", new RemoteTree(root).CurrentFile("app.dll"));
        Assert.HasCount(2, proxy.Accepted, "one dropped connection, one that worked");
        var retry = log.Lines.Single(l => l.Contains("trying once more", StringComparison.Ordinal));
        StringAssert.StartsWith(retry, $"AtomicDeploy: connecting to {server.User}@127.0.0.1:{proxy.Port} failed ({ErrorCodes.Unreachable}, ");
        Assert.IsTrue(log.Lines.Any(l => l.Contains("at the second attempt", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Two_dropped_connections_fail_with_the_usual_code_saying_it_tried_twice()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "never");
        using var proxy = new TcpProxy(server.Port);
        proxy.DropNext(2, reset: true);
        using var knownHosts = new TempFolder();

        var failure = Assert.ThrowsExactly<DeployException>(() => Deployment.Open(Settings(root, source.Path, knownHosts, server, proxy), new RecordingLog(), Connect).Dispose());

        Assert.AreEqual(ErrorCodes.Unreachable, failure.Code);
        StringAssert.Contains(failure.Message, "Tried twice");
        Assert.HasCount(2, proxy.Accepted);
        Assert.IsFalse(Directory.Exists(root), "nothing was created");
    }

    [TestMethod]
    public void A_wrong_host_key_is_not_tried_again()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var proxy = new TcpProxy(server.Port);
        using var knownHosts = new TempFolder();
        var otherKey = knownHosts.Combine("other");
        ProcessRunner.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherKey);
        var settings = Settings(root, null, knownHosts, server, proxy);
        File.WriteAllText(knownHosts.Combine("known_hosts"), $"[127.0.0.1]:{proxy.Port} {string.Join(' ', File.ReadAllText(otherKey + ".pub").Split(' ').Take(2))}\n");
        var log = new RecordingLog();

        var failure = Assert.ThrowsExactly<DeployException>(() => Deployment.Open(settings, log, Connect).Dispose());

        Assert.AreEqual(ErrorCodes.HostKeyChanged, failure.Code);
        Assert.HasCount(1, proxy.Accepted, "one connection only");
        Assert.IsFalse(log.Lines.Any(l => l.Contains("trying once more", StringComparison.Ordinal)));
    }

    [TestMethod]
    [Timeout(60_000)]
    public void No_more_connections_start_at_once_than_the_limit()
    {
        // Five hosts (five relays in front of the one sshd), each connection held back 400 ms before
        // the server's banner: with a limit of 2 they start in three waves, without one all at once.
        var hold = TimeSpan.FromMilliseconds(400);
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        var proxies = Enumerable.Range(0, 5).Select(_ => new TcpProxy(server.Port) { HoldEach = hold }).ToArray();
        using var knownHosts = new TempFolder();
        try
        {
            File.WriteAllLines(knownHosts.Combine("known_hosts"), proxies.Select(p => $"[127.0.0.1]:{p.Port} {server.HostKeyType} {server.HostKeyBase64}"));
            var hosts = proxies.Select(p => Target(server, p, knownHosts.Combine("known_hosts"))).ToArray();

            var limited = OpenAll(EngineDeploy.Deploy(root, null, hosts: hosts) with { ConnectLimit = 2 }, proxies, out var limitedTime);
            var unlimited = OpenAll(EngineDeploy.Deploy(root, null, hosts: hosts), proxies, out _);

            Assert.AreEqual(2, limited, "at most 2 connections started at once, and 2 did");
            Assert.IsGreaterThanOrEqualTo(3 * hold.TotalSeconds, limitedTime.TotalSeconds, "three waves");
            Assert.IsLessThan(30, limitedTime.TotalSeconds);
            Assert.AreEqual(5, unlimited, "the default limit (30) lets all 5 start at once");
        }
        finally
        {
            foreach (var proxy in proxies)
            {
                proxy.Dispose();
            }
        }
    }

    /// <summary>Connects every host and closes them; returns the most connections that started within one hold of each other (each takes at least that long).</summary>
    private static int OpenAll(DeploySettings settings, TcpProxy[] proxies, out TimeSpan elapsed)
    {
        var hold = proxies[0].HoldEach;
        var since = proxies.Select(p => p.Accepted.Count).ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Deployment.Open(settings, new RecordingLog(), Connect).Dispose();
        elapsed = clock.Elapsed;

        // Every relay's clock started at about the same moment; a few milliseconds apart is far below the hold.
        var starts = proxies.SelectMany((p, i) => p.Accepted.Skip(since[i]).Select(t => t - (p.Now - proxies[0].Now))).Order().ToArray();
        Assert.HasCount(proxies.Length, starts, "one connection per host");
        return starts.Max(t => starts.Count(u => u >= t && u < t + hold));
    }

    private static DeploySettings Settings(string root, string? source, TempFolder knownHosts, SshServer server, TcpProxy proxy)
    {
        var ssh = ProxiedSsh.Settings(server, proxy, knownHosts);
        return EngineDeploy.Deploy(root, source, hosts: [new DeployTarget(ssh.Host.ToString(), ssh)], timeout: CheckedDeploy.Timeout) with { ConnectRetryDelay = TimeSpan.FromMilliseconds(200) };
    }

    private static DeployTarget Target(SshServer server, TcpProxy proxy, string knownHosts)
    {
        var ssh = EngineDeploy.Settings(server, knownHosts) with { Host = new HostAddress(server.User, "127.0.0.1", proxy.Port) };
        return new DeployTarget(ssh.Host.ToString(), ssh);
    }

    // The way the tasks connect (the host's settings, no agent or key in the environment).
    private static IRemoteShell Connect(DeployTarget target) => target.Connect(_ => null, "/nonexistent-home", CancellationToken.None);
}
