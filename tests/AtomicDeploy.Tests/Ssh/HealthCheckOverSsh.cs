using System.Text.Json;
using AtomicDeploy.Core;
using AtomicDeploy.Core.History;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>The health check, fetched on the server from a real HTTP server the test runs, and the switch back when it fails.</summary>
[TestClass]
public sealed class HealthCheckOverSsh
{
    [TestMethod]
    public void A_healthy_release_stays_live_once_the_app_answers()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var web = new TestWebServer(200, "ok") { StartingRequests = 2 };
        using var source = new SourceFolder().Write("app.dll", "v1");
        var log = new RecordingLog();

        // The app comes up a moment after its restart: the check retries until it answers 2xx.
        var release = CheckedDeploy.Deploy(server, root, source.Path, CheckedDeploy.Hooks(after: "echo restarting", healthUrl: web.Url, healthSeconds: 20), log: log);

        Assert.AreEqual($"releases/{release}", new RemoteTree(root).CurrentLink);
        Assert.IsTrue(log.Lines.Any(l => l.Contains($"health check {web.Url}", StringComparison.Ordinal) && l.Contains("answered 200", StringComparison.Ordinal)), string.Join('\n', log.Lines));
        Assert.AreEqual(3, web.Requests, "two answers of 503, then 200");
    }

    [TestMethod]
    public void A_failing_health_check_puts_the_previous_release_back_and_records_the_new_one_as_failed()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var web = new TestWebServer(200, "ok");
        using var source = new SourceFolder().Write("app.dll", "v1");
        var hooks = CheckedDeploy.Hooks(after: "{ cat app.dll; echo; } >> \"$ATOMICDEPLOY_PATH/shared/restarts\"", healthUrl: web.Url, healthSeconds: 3);
        var previous = CheckedDeploy.Deploy(server, root, source.Path, hooks);
        source.Write("app.dll", "v2");
        web.Status = 500;
        web.Body = "database unreachable";
        var log = new RecordingLog();

        var failure = Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Deploy(server, root, source.Path, hooks, log: log));

        Assert.AreEqual(ErrorCodes.HealthCheckFailed, failure.Code);
        StringAssert.Contains(failure.Message, "HTTP 500: database unreachable", "the last response seen");
        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{previous}", tree.CurrentLink, "the previous release is live again");
        Assert.AreEqual("v1", tree.CurrentFile("app.dll"));
        var failed = tree.Releases.Last();
        Assert.AreNotEqual(previous, failed);
        Assert.IsTrue(Directory.Exists(tree.ReleasePath(failed)), "the failed release is kept to look at");
        Assert.IsFalse(Directory.Exists(Path.Combine(root, ".atomicdeploy", "lock")), "the lock is released");
        CollectionAssert.AreEqual(new[] { "v1", "v2", "v1" }, File.ReadAllLines(Path.Combine(root, "shared", "restarts")), "the after-switch command ran for the new release, then again for the one put back");
        Assert.IsGreaterThanOrEqualTo(3, web.Requests, "the check retried");
        var history = CheckedDeploy.History(server, root);
        Assert.AreEqual("failed", history.Find(failed)!.Outcome);
        Assert.AreEqual(previous, history.Live!.Name);
        var lines = tree.HistoryLines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.AreEqual(ErrorCodes.HealthCheckFailed, lines[^2].GetProperty("error").GetString());
        Assert.AreEqual("rollback", lines[^1].GetProperty("event").GetString());
        Assert.IsTrue(log.Lines.Any(l => l.Contains($"current -> releases/{previous} again", StringComparison.Ordinal)), string.Join('\n', log.Lines));
    }

    [TestMethod]
    public void The_switch_back_records_the_previous_release_with_its_own_commit_and_version()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var web = new TestWebServer(200, "ok");
        using var source = new SourceFolder().Write("app.dll", "v1");
        var hooks = CheckedDeploy.Hooks(healthUrl: web.Url, healthSeconds: 2);
        var good = new DeployContext("tester", "test-machine", "1.0.0", new GitInfo("1111111111111111111111111111111111111111", "main", false));
        var bad = new DeployContext("tester", "test-machine", "2.0.0", new GitInfo("2222222222222222222222222222222222222222", "feature", true));
        var previous = CheckedDeploy.Deploy(server, root, source.Path, hooks, good);
        source.Write("app.dll", "v2");
        web.Status = 500;

        Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Deploy(server, root, source.Path, hooks, bad));

        var back = JsonDocument.Parse(new RemoteTree(root).HistoryLines[^1]).RootElement;
        Assert.AreEqual("rollback", back.GetProperty("event").GetString());
        Assert.AreEqual(previous, back.GetProperty("release").GetString());
        Assert.AreEqual("1111111111111111111111111111111111111111", back.GetProperty("commit").GetString(), "the release's own commit, not the failed build's");
        Assert.AreEqual("1.0.0", back.GetProperty("version").GetString());
        Assert.IsFalse(back.TryGetProperty("dirty", out var dirty) && dirty.GetBoolean(), "the failed build's working tree was dirty, the release's was not");
        var listed = CheckedDeploy.History(server, root).Live!;
        Assert.AreEqual(previous, listed.Name);
        Assert.AreEqual("1111111111111111111111111111111111111111", listed.Commit, "the release list shows the live release's own commit");
    }

    [TestMethod]
    public void A_failing_after_switch_command_also_puts_the_previous_release_back()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var previous = CheckedDeploy.Deploy(server, root, source.Path);
        source.Write("app.dll", "v2");

        var failure = Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Deploy(server, root, source.Path, CheckedDeploy.Hooks(after: "echo unit failed to start; exit 1")));

        Assert.AreEqual(ErrorCodes.AfterSwitchFailed, failure.Code);
        StringAssert.Contains(failure.Message, "unit failed to start");
        Assert.AreEqual($"releases/{previous}", new RemoteTree(root).CurrentLink);
    }

    [TestMethod]
    public void A_first_release_that_fails_its_health_check_stays_live_and_is_recorded_as_failed()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        using var web = new TestWebServer(200, "ok");
        var closedPort = web.Url;
        web.Dispose();

        var failure = Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Deploy(server, root, source.Path, CheckedDeploy.Hooks(healthUrl: closedPort, healthSeconds: 1)));

        Assert.AreEqual(ErrorCodes.HealthCheckFailed, failure.Code);
        StringAssert.Contains(failure.Message, "no HTTP response");
        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{tree.Releases.Single()}", tree.CurrentLink, "with nothing to go back to, the release stays live");
        Assert.AreEqual("failed", CheckedDeploy.History(server, root).Live!.Outcome);
    }
}
