using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Fleet;

/// <summary>
/// A deploy to four real sshd hosts, each in its own mount namespace so the same deploy path is a
/// different disk on each: one release everywhere, or no switch anywhere.
/// </summary>
[TestClass]
public sealed class FleetDeploysOverSsh
{
    [TestMethod]
    public void Every_host_ends_on_the_same_release_with_the_same_files_on_its_own_disk()
    {
        using var fleet = StartFleet(4);
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/site.css", "body{}");
        var first = fleet.Deploy(source.Path);
        source.Write("app.dll", "v2");
        var log = new RecordingLog();
        var second = fleet.Deploy(source.Path, log: log, parallelism: 2);

        Assert.AreNotEqual(first, second);
        foreach (var server in fleet.Servers)
        {
            var tree = new RemoteTree(SshFleet.RootOn(server));
            Assert.AreEqual($"releases/{second}", tree.CurrentLink, server.HostSpec);
            Assert.AreEqual("v2", tree.CurrentFile("app.dll"));
            CollectionAssert.AreEqual(new[] { first, second }, tree.Releases);
            Assert.AreEqual(2, tree.HistoryLines.Length, "each host's own history, on its own disk");
            Assert.IsTrue(log.Lines.Any(l => l.StartsWith($"AtomicDeploy: [{server.HostSpec}] release {second}: 0 added, 1 changed, 0 removed", StringComparison.Ordinal) && l.EndsWith(": deployed.", StringComparison.Ordinal)), string.Join('\n', log.Lines));
        }

        Assert.AreEqual(2, log.Lines.Count(l => l.StartsWith("AtomicDeploy: one compressed stream for 2 hosts", StringComparison.Ordinal)), "at most two hosts at a time, so two shared streams");

        Assert.IsFalse(Directory.Exists(fleet.Root + "/releases"), "outside the hosts' namespaces the common path is an empty folder");
    }

    [TestMethod]
    public void Hosts_with_the_same_changes_share_one_stream_and_a_host_with_other_changes_gets_its_own()
    {
        using var fleet = StartFleet(4);
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/site.css", "body{}");
        fleet.Deploy(source.Path);
        using var other = new SourceFolder().Write("app.dll", "other");
        EngineDeploy.Deploy(fleet.Servers[3], fleet.Root, other.Path);
        source.Write("app.dll", "v2");
        var log = new RecordingLog();

        var release = fleet.Deploy(source.Path, log: log);

        foreach (var server in fleet.Servers)
        {
            var tree = new RemoteTree(SshFleet.RootOn(server));
            Assert.AreEqual($"releases/{release}", tree.CurrentLink, server.HostSpec);
            Assert.AreEqual("v2", tree.CurrentFile("app.dll"));
            Assert.AreEqual("body{}", tree.CurrentFile("wwwroot/site.css"));
            var sent = server == fleet.Servers[3] ? "1 added, 1 changed" : "0 added, 1 changed";
            Assert.IsTrue(log.Lines.Any(l => l.StartsWith($"AtomicDeploy: [{server.HostSpec}] release {release}: {sent}, 0 removed", StringComparison.Ordinal)), string.Join('\n', log.Lines));
        }

        var shared = string.Join(", ", fleet.Servers.Take(3).Select(s => s.HostSpec));
        CollectionAssert.Contains(log.Lines, $"AtomicDeploy: one compressed stream for 3 hosts with the same changes ({shared}).");
    }

    [TestMethod]
    public void A_host_failing_in_its_upload_leaves_every_host_on_the_old_release_with_no_half_made_release()
    {
        using var fleet = StartFleet(4);
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = fleet.Deploy(source.Path);
        var broken = fleet.Servers[2];
        broken.RunAsUser($"chmod 555 '{SshFleet.RootOn(broken)}/.atomicdeploy/manifests'");
        source.Write("app.dll", "v2");
        var log = new RecordingLog();

        var failure = Assert.ThrowsExactly<DeployException>(() => fleet.Deploy(source.Path, log: log));
        broken.RunAsUser($"chmod 755 '{SshFleet.RootOn(broken)}/.atomicdeploy/manifests'");

        Assert.AreEqual(ErrorCodes.RemoteFailed, failure.Code, failure.Message);
        StringAssert.Contains(failure.Message, $"[{broken.HostSpec}]");
        StringAssert.Contains(failure.Message, "No host was switched");
        foreach (var server in fleet.Servers)
        {
            var tree = new RemoteTree(SshFleet.RootOn(server));
            Assert.AreEqual($"releases/{live}", tree.CurrentLink, server.HostSpec);
            Assert.AreEqual("v1", tree.CurrentFile("app.dll"));
            CollectionAssert.AreEqual(new[] { live }, tree.Releases, $"no half-made release on {server.HostSpec}");
            Assert.IsFalse(Directory.Exists(SshFleet.RootOn(server) + "/.atomicdeploy/lock"));
            StringAssert.Contains(tree.HistoryLines[^1], server == broken ? $"\"error\":\"{ErrorCodes.RemoteFailed}\"" : $"\"error\":\"{ErrorCodes.FleetHostFailed}\"");
        }

        Assert.IsTrue(log.Lines.Any(l => l.StartsWith($"AtomicDeploy: [{fleet.Servers[0].HostSpec}] release ", StringComparison.Ordinal) && l.Contains("not switched", StringComparison.Ordinal)), string.Join('\n', log.Lines));
    }

    [TestMethod]
    public void A_failing_before_switch_command_on_one_host_switches_no_host()
    {
        using var fleet = StartFleet(3);
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = fleet.Deploy(source.Path);
        var broken = fleet.Servers[1];
        broken.RunAsUser($"touch '{SshFleet.RootOn(broken)}/shared/broken'");
        source.Write("app.dll", "v2");

        var failure = Assert.ThrowsExactly<DeployException>(() => fleet.Deploy(source.Path, CheckedDeploy.Hooks(before: "test ! -e \"$ATOMICDEPLOY_PATH/shared/broken\"")));

        Assert.AreEqual(ErrorCodes.BeforeSwitchFailed, failure.Code, failure.Message);
        foreach (var server in fleet.Servers)
        {
            var tree = new RemoteTree(SshFleet.RootOn(server));
            Assert.AreEqual($"releases/{live}", tree.CurrentLink, server.HostSpec);
            CollectionAssert.AreEqual(new[] { live }, tree.Releases);
        }
    }

    [TestMethod]
    public void A_failing_health_check_on_one_host_switches_every_host_back()
    {
        using var fleet = StartFleet(4);
        using var web = new TestWebServer(200, "ok");
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = fleet.Deploy(source.Path);
        source.Write("app.dll", "v2");

        // Three checks answer 200, every later one 500: whichever host checks last stays unhealthy.
        web.HealthyRequests = 3;
        var failure = Assert.ThrowsExactly<DeployException>(() => fleet.Deploy(source.Path, CheckedDeploy.Hooks(healthUrl: web.Url, healthSeconds: 3)));

        Assert.AreEqual(ErrorCodes.HealthCheckFailed, failure.Code, failure.Message);
        StringAssert.Contains(failure.Message, "Every host was switched back");
        var codes = new List<string>();
        foreach (var server in fleet.Servers)
        {
            var tree = new RemoteTree(SshFleet.RootOn(server));
            Assert.AreEqual($"releases/{live}", tree.CurrentLink, server.HostSpec);
            Assert.AreEqual("v1", tree.CurrentFile("app.dll"));
            var failed = tree.HistoryLines[^2];
            StringAssert.Contains(failed, "\"outcome\":\"failed\"");
            codes.Add(failed.Contains(ErrorCodes.HealthCheckFailed, StringComparison.Ordinal) ? ErrorCodes.HealthCheckFailed : ErrorCodes.FleetHostFailed);
            StringAssert.Contains(tree.HistoryLines[^1], "\"event\":\"rollback\"");
            Assert.IsFalse(Directory.Exists(SshFleet.RootOn(server) + "/.atomicdeploy/lock"));
        }

        Assert.AreEqual(1, codes.Count(c => c == ErrorCodes.HealthCheckFailed), "one host failed its check; the others record that another host failed");
    }

    private static SshFleet StartFleet(int hosts)
    {
        SshFleet.RequireRoot();

        return new SshFleet(hosts);
    }
}
