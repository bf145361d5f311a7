using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Operations;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Two-slot mode with real parts: nginx (run by the deploy user, its upstream including
/// <c>&lt;path&gt;/upstream.conf</c>) in front of the real app, started by its start command from each
/// release over SSH. Keep-alive clients request without pause through deploys that each replace
/// the process, through failed deploys and through a rollback: not one request may fail.
/// </summary>
[TestClass]
public sealed class TwoSlotZeroDowntime
{
    private const int Deploys = 10;
    private const int Clients = 4;

    [TestMethod]
    public void Every_request_through_ten_deploys_and_a_rollback_is_a_200_from_one_release()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        var ports = new[] { Loopback.FreePort(), Loopback.FreePort() };
        using var proxy = new SlotProxy(server, root, ports[0]);
        using var work = new TempFolder();
        try
        {
            Deploy(server, root, Slots(ports, proxy), SlotApp.Release(work, "release 0"));
            using var clients = new LoadClients(new Uri($"http://127.0.0.1:{proxy.Port}/"), Clients, TimeSpan.FromMinutes(4));
            clients.WaitFor("release 0", 50, TimeSpan.FromSeconds(20));
            var log = new FlipLog(clients);
            for (var i = 1; i <= Deploys; i++)
            {
                Deploy(server, root, Slots(ports, proxy), SlotApp.Release(work, $"release {i}"), log);
                clients.WaitFor($"release {i}", 50, TimeSpan.FromSeconds(20));
                Assert.HasCount(1, SlotApp.Processes(root), $"one app process after deploy {i}");
            }

            var deployed = clients.Requests;
            using (var rollback = Open(server, EngineDeploy.Deploy(root, null) with { Slots = Slots(ports, proxy) }, log))
            {
                Assert.AreEqual(Releases(root)[^2], Rollback.Run(rollback, null, CancellationToken.None));
            }

            clients.WaitFor($"release {Deploys - 1}", 50, TimeSpan.FromSeconds(20));
            var rolledBack = clients.Requests - deployed;
            clients.Stop();

            Console.WriteLine($"Two-slot load: {clients.Describe()}; {rolledBack} of them after the last deploy, through the rollback; slowest during a flip: {clients.SlowestDuring(log.Flips).TotalMilliseconds:0} ms over {log.Flips.Count} flips.");
            Assert.IsEmpty(clients.Failures, string.Join("\n", clients.Failures.Take(10)) + "\n" + string.Join("\n", log.Marks) + "\n" + proxy.ErrorLog);
            CollectionAssert.AreEquivalent(Enumerable.Range(0, Deploys + 1).Select(i => $"release {i}").ToArray(), clients.Seen.Keys.ToArray(), "every release was served, and every answer is one release's");
            Assert.AreEqual(clients.Requests, clients.Seen.Values.Sum(), "every request got a 200 from one release");
            Assert.AreEqual(Deploys + 1, log.Flips.Count, "each deploy and the rollback flipped the proxy once");
            Assert.IsLessThanOrEqualTo(log.Flips.Count * Clients, clients.Retried, "at most one request per connection per reload crossed the close of a kept-alive connection (sent again, as a browser does)");
            Assert.HasCount(1, SlotApp.Processes(root), "exactly one app process afterwards");

            var history = new RemoteTree(root).HistoryLines.Select(l => Core.History.DeployRecord.TryParse(l)!).ToArray();
            CollectionAssert.AreEqual(Enumerable.Range(0, Deploys + 2).Select(i => ports[(i + 1) % 2]).ToArray(), history.Select(r => r.Port ?? 0).ToArray(), "each release's slot, alternating");
            Assert.AreEqual($"server 127.0.0.1:{history[^1].Port};\n", File.ReadAllText(Path.Combine(root, "upstream.conf")));
        }
        finally
        {
            SlotApp.KillAll(root);
        }
    }

    [TestMethod]
    [DataRow("exit", "no HTTP response")]
    [DataRow("500", "HTTP 500")]
    public void A_release_that_never_gets_healthy_fails_while_the_old_slot_serves_every_request(string broken, string lastAnswer)
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        var ports = new[] { Loopback.FreePort(), Loopback.FreePort() };
        using var proxy = new SlotProxy(server, root, ports[0]);
        using var work = new TempFolder();
        try
        {
            var live = Deploy(server, root, Slots(ports, proxy), SlotApp.Release(work, "good"));
            var process = SlotApp.Processes(root).Single();
            using var clients = new LoadClients(new Uri($"http://127.0.0.1:{proxy.Port}/"), Clients, TimeSpan.FromMinutes(2));
            clients.WaitFor("good", 50, TimeSpan.FromSeconds(20));
            var log = new RecordingLog();

            // Long enough for the broken app to start cold beside the load and answer (its 500 is what is checked).
            var failure = Assert.ThrowsExactly<DeployException>(() => Deploy(server, root, Slots(ports, proxy) with { StartTimeout = TimeSpan.FromSeconds(15) }, SlotApp.Release(work, broken), log));
            clients.WaitFor("good", 200, TimeSpan.FromSeconds(20));
            clients.Stop();

            Console.WriteLine($"Failed deploy ({broken}) under load: {clients.Describe()}");
            Assert.AreEqual(ErrorCodes.AppSlotUnhealthy, failure.Code, failure.Message);
            StringAssert.Contains(failure.Message, $"Last response: {lastAnswer}");
            Assert.IsEmpty(clients.Failures, string.Join("\n", clients.Failures.Take(10)));
            CollectionAssert.AreEqual(new[] { "good" }, clients.Seen.Keys.ToArray());
            CollectionAssert.AreEqual(new[] { process }, SlotApp.Processes(root).ToArray(), "the old process still serves, alone");
            var tree = new RemoteTree(root);
            Assert.AreEqual($"releases/{live}", tree.CurrentLink);
            CollectionAssert.AreEqual(new[] { live }, tree.Releases, "the failed release is removed");
            StringAssert.Contains(tree.HistoryLines[^1], $"\"error\":\"{ErrorCodes.AppSlotUnhealthy}\"");
            Assert.AreEqual($"server 127.0.0.1:{ports[1]};\n", File.ReadAllText(Path.Combine(root, "upstream.conf")), "the proxy still points at the old slot");
        }
        finally
        {
            SlotApp.KillAll(root);
        }
    }

    internal static AppSlotSettings Slots(int[] ports, SlotProxy proxy) =>
        new(ports, SlotApp.StartCommand, SlotApp.StopCommand, "/healthz", TimeSpan.FromSeconds(30), proxy.ReloadCommand, TimeSpan.FromSeconds(60));

    private static string Deploy(SshServer server, string root, AppSlotSettings slots, string source, IDeployLog? log = null)
    {
        using var deployment = Open(server, EngineDeploy.Deploy(root, source) with { Slots = slots }, log ?? new RecordingLog());
        return deployment.Run(DateTime.UtcNow, CancellationToken.None);
    }

    private static Deployment Open(SshServer server, DeploySettings settings, IDeployLog log) =>
        Deployment.Open(settings with { Hosts = [new DeployTarget(server.HostSpec, null)] }, log, _ => EngineDeploy.Connect(EngineDeploy.Settings(server)));

    private static string[] Releases(string root) => new RemoteTree(root).Releases;
}

/// <summary>A build log that marks when each proxy flip happened, against the load clients' clock (a window of a second from its line).</summary>
internal sealed class FlipLog(LoadClients clients) : IDeployLog
{
    public List<(TimeSpan From, TimeSpan To)> Flips { get; } = [];

    public List<string> Lines { get; } = [];

    /// <summary>The flips and stops, with their time on the clients' clock (to read a failure against).</summary>
    public List<string> Marks { get; } = [];

    public void Summary(string message) => Add(message);

    public void Info(string message) => Add(message);

    public void Detail(string message) => Add(message);

    public void Warning(string code, string message) => Add($"warning {code}: {message}");

    public void CiUploadSummary(string markdownFile)
    {
    }

    private void Add(string message)
    {
        lock (Lines)
        {
            Lines.Add(message);
            if (message.Contains("proxy -> slot", StringComparison.Ordinal) || message.Contains("stopped ", StringComparison.Ordinal) || message.Contains("current -> ", StringComparison.Ordinal))
            {
                Marks.Add($"{clients.Now.TotalSeconds:0.000} s: {message}");
            }
            if (message.StartsWith("AtomicDeploy: proxy -> slot", StringComparison.Ordinal))
            {
                // The line comes once the reload was sent; the handover happens around it.
                Flips.Add((clients.Now - TimeSpan.FromSeconds(0.5), clients.Now + TimeSpan.FromSeconds(1)));
            }
        }
    }
}
