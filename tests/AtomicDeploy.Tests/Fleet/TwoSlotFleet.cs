using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Operations;

namespace AtomicDeploy.Tests.Fleet;

/// <summary>
/// Two-slot mode on a fleet of two real hosts, each with its own network (so both use the same two
/// ports), its own disk, its own nginx and its own app processes: clients of both hosts' nginx see no
/// failure through deploys, nor through one whose after-switch command fails on one host, which puts
/// both hosts back on their old slots; in a rolling deploy, only the failing batch goes back.
/// </summary>
[TestClass]
public sealed class TwoSlotFleet
{
    [TestMethod]
    public void Both_hosts_serve_every_request_through_deploys_and_through_a_flip_back()
    {
        using var common = new TempFolder("atomicdeploy-slotfleet-");
        var root = common.Path + "/app";
        var hosts = new List<Host>();
        try
        {
            var settings = Start(common, hosts);
            using var work = new TempFolder();
            string Deploy(string release, SwitchHookSettings? hooks = null, RecordingLog? log = null) => DeploySlotApp(settings, work, release, hooks, log);

            Deploy("v0");
            var clients = hosts.Select(h => new LoadClients(new Uri($"http://127.0.0.1:{h.ProxyBridge}/"), 2, TimeSpan.FromMinutes(3))).ToArray();
            try
            {
                foreach (var c in clients)
                {
                    c.WaitFor("v0", 50, TimeSpan.FromSeconds(20));
                }

                for (var i = 1; i <= 2; i++)
                {
                    Deploy($"v{i}");
                    foreach (var c in clients)
                    {
                        c.WaitFor($"v{i}", 50, TimeSpan.FromSeconds(20));
                    }
                }

                // The after-switch command fails on the second host only: both flip back, to slots that never stopped.
                hosts[1].Server.RunAsUser($"touch '{hosts[1].Server.Disk}/fail-after-switch'");
                var log = new RecordingLog();
                var failure = Assert.ThrowsExactly<DeployException>(() => Deploy("v3", new SwitchHookSettings(null, "[ ! -e \"$ATOMICDEPLOY_PATH/../fail-after-switch\" ]", TimeSpan.FromSeconds(30), null, TimeSpan.FromSeconds(5)), log));
                foreach (var c in clients)
                {
                    c.WaitFor("v2", 200, TimeSpan.FromSeconds(20));
                    c.Stop();
                }

                for (var i = 0; i < 2; i++)
                {
                    Console.WriteLine($"Two-slot fleet, host {i + 1}: {clients[i].Describe()}");
                }

                Assert.AreEqual(ErrorCodes.AfterSwitchFailed, failure.Code, failure.Message);
                foreach (var (host, c) in hosts.Zip(clients))
                {
                    Assert.IsEmpty(c.Failures, string.Join("\n", c.Failures.Take(10)) + "\n" + host.Proxy!.ErrorLog);
                    CollectionAssert.IsSubsetOf(c.Seen.Keys.ToArray(), new[] { "v0", "v1", "v2", "v3" }, "every answer is one release's");
                    Assert.AreEqual(c.Requests, c.Seen.Values.Sum(), "every request got a 200");
                    Assert.AreEqual("v2", new RemoteTree(host.Server.Disk + "/app").CurrentFile("release.txt"), "current is back on v2");
                }

                Assert.HasCount(2, SlotApp.Processes(root), "one app process on each host, the old slot's");
                Assert.AreEqual(2, log.Lines.Count(l => l.Contains("proxy -> slot", StringComparison.Ordinal) && l.Contains("again on", StringComparison.Ordinal)), string.Join('\n', log.Lines));
            }
            finally
            {
                foreach (var c in clients)
                {
                    c.Dispose();
                }
            }
        }
        finally
        {
            SlotApp.KillAll(root);
            foreach (var host in hosts)
            {
                host.Dispose();
            }
        }
    }

    [TestMethod]
    public void A_rolling_deploy_flips_one_host_after_the_other_and_a_failing_second_batch_flips_back_alone()
    {
        using var common = new TempFolder("atomicdeploy-slotfleet-");
        var root = common.Path + "/app";
        var hosts = new List<Host>();
        try
        {
            var settings = Start(common, hosts) with { Rollout = RolloutSettings.Parse("rolling", null, new RecordingLog()) };
            using var work = new TempFolder();
            string Deploy(string release, SwitchHookSettings? hooks = null, RecordingLog? log = null) => DeploySlotApp(settings, work, release, hooks, log);

            Deploy("v0");
            var clients = hosts.Select(h => new LoadClients(new Uri($"http://127.0.0.1:{h.ProxyBridge}/"), 2, TimeSpan.FromMinutes(3))).ToArray();
            try
            {
                foreach (var c in clients)
                {
                    c.WaitFor("v0", 50, TimeSpan.FromSeconds(20));
                }

                var good = new RecordingLog();
                Deploy("v1", log: good);
                foreach (var c in clients)
                {
                    c.WaitFor("v1", 50, TimeSpan.FromSeconds(20));
                }

                // The canary's proxy flips (and passes) before the second host's does.
                var flips = good.Lines.Select((l, i) => (l, i)).Where(x => x.l.Contains("proxy -> slot", StringComparison.Ordinal)).Select(x => x.i).ToArray();
                var passed = good.Lines.FindIndex(l => l.StartsWith("AtomicDeploy: batch 1 of 2 (the canary) passed on ", StringComparison.Ordinal));
                Assert.HasCount(2, flips, string.Join('\n', good.Lines));
                Assert.IsTrue(flips[0] < passed && passed < flips[1], string.Join('\n', good.Lines));

                // The after-switch command fails on the second host (batch 2): only it flips back, the canary keeps v2.
                hosts[1].Server.RunAsUser($"touch '{hosts[1].Server.Disk}/fail-after-switch'");
                var failure = Assert.ThrowsExactly<DeployException>(() => Deploy("v2", new SwitchHookSettings(null, "[ ! -e \"$ATOMICDEPLOY_PATH/../fail-after-switch\" ]", TimeSpan.FromSeconds(30), null, TimeSpan.FromSeconds(5))));
                clients[0].WaitFor("v2", 200, TimeSpan.FromSeconds(20));
                clients[1].WaitFor("v1", 200, TimeSpan.FromSeconds(20));
                foreach (var c in clients)
                {
                    c.Stop();
                }

                Assert.AreEqual(ErrorCodes.RolloutBatchFailed, failure.Code, failure.Message);
                StringAssert.Contains(failure.Message, $"stopped at batch 2 of 2 ({settings.Hosts[1].Name}): [{settings.Hosts[1].Name}] {ErrorCodes.AfterSwitchFailed}: ");
                string[] expected = ["v2", "v1"];
                for (var i = 0; i < 2; i++)
                {
                    var c = clients[i];
                    Assert.IsEmpty(c.Failures, string.Join("\n", c.Failures.Take(10)) + "\n" + hosts[i].Proxy!.ErrorLog);
                    Assert.AreEqual(c.Requests, c.Seen.Values.Sum(), "every request got a 200");
                    Assert.AreEqual(expected[i], new RemoteTree(hosts[i].Server.Disk + "/app").CurrentFile("release.txt"));
                }

                Assert.HasCount(2, SlotApp.Processes(root), "one app process on each host: the canary's new slot, the second host's old one");
            }
            finally
            {
                foreach (var c in clients)
                {
                    c.Dispose();
                }
            }
        }
        finally
        {
            SlotApp.KillAll(root);
            foreach (var host in hosts)
            {
                host.Dispose();
            }
        }
    }

    /// <summary>Starts two hosts with their proxies into <paramref name="hosts"/>; returns the settings of a two-slot deploy to both.</summary>
    /// <summary>A whole deploy of the slot app's <paramref name="release"/> to every host, with <paramref name="hooks"/>.</summary>
    private static string DeploySlotApp(DeploySettings settings, TempFolder work, string release, SwitchHookSettings? hooks, RecordingLog? log)
    {
        using var deployment = Deployment.Open(settings with { Source = new DeploySource(SlotApp.Release(work, release), new HashSet<string>()), Hooks = hooks ?? SwitchHookSettings.None }, log ?? new RecordingLog(), t => EngineDeploy.Connect(t.Ssh!));
        return deployment.Run(DateTime.UtcNow, CancellationToken.None);
    }

    private static DeploySettings Start(TempFolder common, List<Host> hosts)
    {
        var ports = new[] { Loopback.FreePort(), Loopback.FreePort() };
        for (var i = 0; i < 2; i++)
        {
            hosts.Add(new Host(common));
        }

        hosts[1].Server.Authorize(hosts[0].Server);
        var knownHosts = common.Combine("known_hosts");
        File.WriteAllLines(knownHosts, hosts.Select(h => $"[127.0.0.1]:{h.SshPort} {h.Server.HostKeyType} {h.Server.HostKeyBase64}"));
        var targets = hosts.Select(h => new DeployTarget($"{h.Server.User}@127.0.0.1:{h.SshPort}", EngineDeploy.Settings(h.Server.User, h.SshPort, knownHosts, hosts[0].Server.ClientKeyFile))).ToArray();
        foreach (var host in hosts)
        {
            host.StartProxy(ports[0]);
        }

        var slots = new AppSlotSettings(ports, SlotApp.StartCommand, SlotApp.StopCommand, "/healthz", TimeSpan.FromSeconds(30),
            "kill -HUP \"$(cat \"$ATOMICDEPLOY_PATH/../nginx.pid\")\"", TimeSpan.FromSeconds(60));
        return EngineDeploy.Deploy(common.Path + "/app", null, hosts: targets, timeout: CheckedDeploy.Timeout, lockWait: TimeSpan.FromSeconds(10)) with { Slots = slots };
    }

    /// <summary>One host: a network namespace, sshd with its own disk in it, and its nginx, each reachable from the tests through a bridge.</summary>
    private sealed class Host : IDisposable
    {
        private readonly HiddenNetwork _network = new();

        public Host(TempFolder common)
        {
            Server = SshServer.StartInside(_network, forwarding: false, ownDiskAt: common.Path);
            SshPort = _network.Bridge(Server.Port);
        }

        public SshServer Server { get; }

        public int SshPort { get; }

        public SlotProxy? Proxy { get; private set; }

        public int ProxyBridge { get; private set; }

        public void StartProxy(int firstPort)
        {
            Proxy = new SlotProxy(Server, Server.Disk + "/app", firstPort, _network.Inside, pidFile: Server.Disk + "/nginx.pid");
            ProxyBridge = _network.Bridge(Proxy.Port);
        }

        public void Dispose()
        {
            Proxy?.Dispose();
            Server.Dispose();
            _network.Dispose();
        }
    }
}
