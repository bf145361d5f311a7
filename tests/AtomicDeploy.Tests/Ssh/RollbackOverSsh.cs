using System.Text.Json;
using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>Rolling back over SSH: to the previous good release or a named one, refused for unknown and failed ones.</summary>
[TestClass]
public sealed class RollbackOverSsh
{
    [TestMethod]
    public void Rollback_goes_to_the_newest_good_older_release_skipping_a_failed_one_and_is_recorded()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var web = new TestWebServer(200, "ok");
        using var source = new SourceFolder().Write("app.dll", "v1");
        var first = CheckedDeploy.Deploy(server, root, source.Path);
        source.Write("app.dll", "v2");
        web.Status = 503;
        var refused = Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Deploy(server, root, source.Path, CheckedDeploy.Hooks(healthUrl: web.Url, healthSeconds: 2)));
        Assert.AreEqual(ErrorCodes.HealthCheckFailed, refused.Code);
        var failed = new RemoteTree(root).Releases.Last();
        var toFailed = Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Rollback(server, root, failed));
        Assert.AreEqual(ErrorCodes.RollbackTargetFailed, toFailed.Code);
        source.Write("app.dll", "v3");
        var third = CheckedDeploy.Deploy(server, root, source.Path);
        CollectionAssert.DoesNotContain(new RemoteTree(root).Releases, failed, "the next deploy prunes the failed release first");
        var log = new RecordingLog();

        var live = CheckedDeploy.Rollback(server, root, log: log);

        var tree = new RemoteTree(root);
        Assert.AreEqual(first, live, "the failed release in between is skipped");
        Assert.AreEqual($"releases/{first}", tree.CurrentLink);
        Assert.AreEqual("v1", tree.CurrentFile("app.dll"));
        Assert.IsFalse(Directory.Exists(Path.Combine(root, ".atomicdeploy", "lock")), "the lock is released");
        var record = JsonDocument.Parse(tree.HistoryLines[^1]).RootElement;
        Assert.AreEqual("rollback", record.GetProperty("event").GetString());
        Assert.AreEqual(first, record.GetProperty("release").GetString());
        Assert.AreEqual(third, record.GetProperty("previous").GetString());
        Assert.AreEqual("tester", record.GetProperty("user").GetString());
        Assert.IsTrue(log.Lines.Any(l => l.Contains($"current -> releases/{first}", StringComparison.Ordinal) && l.Contains($"was {third}", StringComparison.Ordinal)), string.Join('\n', log.Lines));

        Assert.AreEqual(third, CheckedDeploy.Rollback(server, root, third), "rolling forward to a named release works too");
        Assert.AreEqual($"releases/{third}", tree.CurrentLink);
        Assert.AreEqual("v3", tree.CurrentFile("app.dll"));
    }

    [TestMethod]
    public void A_release_that_published_files_into_its_shared_folders_is_rolled_back_to_and_serves_the_users_data()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        // As an app ships a header file in data/ and a logo in wwwroot/uploads/, both declared shared: the
        // first deploy seeds them into shared/, and every release links those folders there.
        using var source = new SourceFolder().Write("app.dll", "v1").Write("data/notes.txt", "# notes\n").Write("wwwroot/uploads/logo.txt", "logo");
        string[] shared = ["data/", "wwwroot/uploads/"];
        var first = EngineDeploy.Deploy(server, root, source.Path, shared: shared);
        source.Write("app.dll", "v2");
        var second = EngineDeploy.Deploy(server, root, source.Path, shared: shared);
        server.RunAsUser($"echo 'a user wrote this' >> '{root}/shared/data/notes.txt'");

        var live = CheckedDeploy.Rollback(server, root);

        var tree = new RemoteTree(root);
        Assert.AreEqual(first, live);
        Assert.AreEqual($"releases/{first}", tree.CurrentLink);
        Assert.AreEqual("v1", tree.CurrentFile("app.dll"));
        StringAssert.Contains(tree.CurrentFile("data/notes.txt"), "a user wrote this", "the release reaches the users' data through its link");
        Assert.AreEqual(second, CheckedDeploy.Rollback(server, root, second));
    }

    [TestMethod]
    public void An_unknown_release_or_nothing_older_is_refused_and_the_server_is_unchanged()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var only = CheckedDeploy.Deploy(server, root, source.Path);
        var before = RemoteTree.Snapshot(root);

        var unknown = Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Rollback(server, root, "20200101000000"));
        var notAName = Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Rollback(server, root, "../../etc"));
        var nothing = Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Rollback(server, root));

        Assert.AreEqual(ErrorCodes.RollbackTargetUnknown, unknown.Code);
        StringAssert.Contains(unknown.Message, only, "the message lists the releases there");
        Assert.AreEqual(ErrorCodes.RollbackTargetUnknown, notAName.Code);
        Assert.AreEqual(ErrorCodes.NothingToRollBackTo, nothing.Code);
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(root), "a refused rollback changes nothing");
    }

    [TestMethod]
    public void The_after_switch_command_runs_for_the_release_rolled_back_to()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var first = CheckedDeploy.Deploy(server, root, source.Path);
        source.Write("app.dll", "v2");
        CheckedDeploy.Deploy(server, root, source.Path);

        CheckedDeploy.Rollback(server, root, hooks: CheckedDeploy.Hooks(after: "cat app.dll > \"$ATOMICDEPLOY_PATH/shared/restarted-with\""));

        Assert.AreEqual("v1", File.ReadAllText(Path.Combine(root, "shared", "restarted-with")));
        Assert.AreEqual($"releases/{first}", new RemoteTree(root).CurrentLink);
    }

    [TestMethod]
    public void A_rollback_ends_when_the_release_rolled_back_to_answers_its_health_check_and_says_so_when_it_does_not()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var web = new TestWebServer(200, "ok") { StartingRequests = 2 };
        using var source = new SourceFolder().Write("app.dll", "v1");
        var first = CheckedDeploy.Deploy(server, root, source.Path);
        source.Write("app.dll", "v2");
        var second = CheckedDeploy.Deploy(server, root, source.Path);

        var log = new RecordingLog();
        CheckedDeploy.Rollback(server, root, log: log, hooks: CheckedDeploy.Hooks(after: "echo restarting", healthUrl: web.Url, healthSeconds: 20));

        Assert.AreEqual($"releases/{first}", new RemoteTree(root).CurrentLink);
        Assert.IsTrue(log.Lines.Any(l => l.Contains($"health check {web.Url}", StringComparison.Ordinal) && l.Contains("answered 200", StringComparison.Ordinal)), string.Join('\n', log.Lines));
        Assert.AreEqual(3, web.Requests, "the rollback waited through two answers of 503");

        web.Status = 500;
        web.Body = "database unreachable";
        var failed = Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Rollback(server, root, to: second, hooks: CheckedDeploy.Hooks(healthUrl: web.Url, healthSeconds: 2)));
        Assert.AreEqual(ErrorCodes.HealthCheckFailed, failed.Code, failed.Message);
        StringAssert.Contains(failed.Message, "database unreachable");
        StringAssert.EndsWith(failed.Message, $"Release {second} is live on every host; the after-switch command or the health check failed where named.");
        Assert.AreEqual($"releases/{second}", new RemoteTree(root).CurrentLink, "what was asked for stays live");
    }
}
