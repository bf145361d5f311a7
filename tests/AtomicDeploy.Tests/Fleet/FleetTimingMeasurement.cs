using System.Diagnostics;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Fleet;
using AtomicDeploy.Core.Operations;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Fleet;

/// <summary>
/// A measurement, not a timed test: how long a deploy to four hosts takes next to one host, each
/// host behind a link with 50 ms of latency each way. Runs only when ATOMICDEPLOY_MEASURE=1 and
/// prints its numbers; it checks only that every deploy succeeded.
/// </summary>
[TestClass]
public sealed class FleetTimingMeasurement
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(50);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Four_hosts_against_one_behind_50_ms_links()
    {
        if (Environment.GetEnvironmentVariable("ATOMICDEPLOY_MEASURE") != "1" || Environment.UserName != "root")
        {
            Assert.Inconclusive("A measurement: run it as root with ATOMICDEPLOY_MEASURE=1.");
        }

        using var source = new SourceFolder();
        var random = new Random(7);
        for (var i = 0; i < 40; i++)
        {
            var bytes = new byte[random.Next(100_000, 400_000)];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(source.Path, $"lib{i}.dll"), bytes);
        }

        using var one = new SshFleet(1);
        using var four = new SshFleet(4);
        using var keys = new TempFolder("atomicdeploy-measure-");
        var proxies = one.Servers.Concat(four.Servers).ToDictionary(s => s, s => new DelayingProxy(s.Port, Latency));
        try
        {
            var knownHosts = keys.Combine("known_hosts");
            File.WriteAllLines(knownHosts, proxies.Select(p => $"[127.0.0.1]:{p.Value.Port} {p.Key.HostKeyType} {p.Key.HostKeyBase64}"));
            SshSettings Through(SshServer s) => EngineDeploy.Settings(s, knownHosts, one.Servers.Contains(s) ? one.ClientKeyFile : four.ClientKeyFile) with { Host = new HostAddress(s.User, "127.0.0.1", proxies[s].Port) };

            foreach (var round in new[] { "first deploy (every file new)", "next deploy (one file changed)" })
            {
                var single = Time(() => DeployOne(Through(one.Servers[0]), one.Root, source.Path));
                var fleet = Time(() => DeployFleet(four.Servers.Select(Through).ToArray(), four.Root, source.Path));
                TestContext.WriteLine($"{round}: 1 host {single.TotalSeconds:0.00} s, 4 hosts {fleet.TotalSeconds:0.00} s, ratio {fleet / single:0.00}");
                Console.WriteLine($"MEASURE {round}: 1 host {single.TotalSeconds:0.00} s, 4 hosts {fleet.TotalSeconds:0.00} s, ratio {fleet / single:0.00}");
                File.AppendAllText(Path.Combine(source.Path, "lib0.dll"), "changed");
            }

            var releases = four.Servers.Select(s => new RemoteTree(SshFleet.RootOn(s)).CurrentLink).Distinct().ToArray();
            Assert.HasCount(1, releases, "every host ends on the same release");
        }
        finally
        {
            foreach (var proxy in proxies.Values)
            {
                proxy.Dispose();
            }
        }
    }

    private static TimeSpan Time(Action deploy)
    {
        var clock = Stopwatch.StartNew();
        deploy();
        return clock.Elapsed;
    }

    private static void DeployOne(SshSettings settings, string root, string source)
    {
        using var session = new DeploySession(EngineDeploy.Connect(settings), root, EngineDeploy.Context, new RecordingLog(), CheckedDeploy.Timeout);
        session.Prepare(CopyMode.HardLink, DateTime.UtcNow, CancellationToken.None);
        session.Upload(source, null, CancellationToken.None);
        session.LinkShared([], CancellationToken.None);
        CheckedSwitch.Run(session, SwitchHookSettings.None, new RecordingLog(), CancellationToken.None);
        session.Prune(3, CancellationToken.None);
    }

    private static void DeployFleet(IReadOnlyList<SshSettings> hosts, string root, string source)
    {
        using var fleet = FleetSession.Open(hosts.Select(h => (h.Host.ToString(), (Func<IRemoteShell>)(() => EngineDeploy.Connect(h)))).ToArray(), root, EngineDeploy.Context, new RecordingLog(), new RemoteTimeouts(CheckedDeploy.Timeout, TimeSpan.FromSeconds(10)), int.MaxValue);
        fleet.Prepare(CopyMode.HardLink, DateTime.UtcNow, CancellationToken.None);
        fleet.Upload(source, null, CancellationToken.None);
        fleet.LinkShared([], CancellationToken.None);
        FleetSwitch.Run(fleet, SwitchHookSettings.None, CancellationToken.None);
        fleet.Prune(3, CancellationToken.None);
    }
}
