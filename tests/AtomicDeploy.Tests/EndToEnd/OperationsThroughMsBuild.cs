using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// The operations as a user runs them, with the specification's property and target names: deploys
/// with an after-switch command and a health check, the release list, a dry run, the downgrade
/// guard, rollback and rollback-to, and a failing health check that puts the previous release back.
/// </summary>
[TestClass]
public sealed class OperationsThroughMsBuild
{
    [TestMethod]
    public void Releases_dry_run_downgrade_rollback_and_a_failing_health_check_work_from_the_command_line()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var app = new WebApp();
        using var web = new TestWebServer(200, "ok");
        var commit = app.CommitToGit();
        var properties = WebApp.ServerProperties(server, root);
        var connection = properties.Skip(1).ToArray();
        var tree = new RemoteTree(root);

        var first = app.Publish([.. properties, "AtomicDeployAfterSwitchCommand=pwd -P > ../../shared/after-switch.txt", $"AtomicDeployHealthCheckUrl={web.Url}"]);

        Assert.AreEqual(0, first.ExitCode, first.All);
        var release1 = tree.Releases.Single();
        Assert.AreEqual(ProcessRunner.Check("realpath", tree.ReleasePath(release1)).Trim(), File.ReadAllText(Path.Combine(root, "shared", "after-switch.txt")).Trim(), "the after-switch command ran in the release");
        StringAssert.Contains(first.Output, "answered 200");
        StringAssert.Contains(first.Output, $"AtomicDeploy: deployed release {release1}");

        app.Write("wwwroot/index.html", "<h1>two</h1>");
        var second = app.Publish([.. properties, "Version=1.1.0"]);
        Assert.AreEqual(0, second.ExitCode, second.All);
        var release2 = tree.Releases.Last();

        var list = app.RunTarget("AtomicDeployReleases", connection);

        Assert.AreEqual(0, list.ExitCode, list.All);
        StringAssert.Matches(list.Output, new System.Text.RegularExpressions.Regex($@"{release2} +\* +[0-9-]+ [0-9:]+ +1\.1\.0 +{commit[..8]}\+ +success"), "the work tree had a change: the commit is marked +\n" + list.Output);
        StringAssert.Matches(list.Output, new System.Text.RegularExpressions.Regex($@"{release1} +[0-9-]+ [0-9:]+ +1\.0\.0 +{commit[..8]} +success"), list.Output);
        Assert.IsLessThan(list.Output.IndexOf(release1, StringComparison.Ordinal), list.Output.IndexOf(release2, StringComparison.Ordinal), "newest first");

        var before = RemoteTree.Snapshot(root);
        app.Write("wwwroot/index.html", "<h1>three</h1>");
        // The plan counts shared/after-switch.txt, which the first deploy's command made, as a link to come.
        var dry = app.Publish([.. properties, "Version=1.2.0", "AtomicDeployDryRun=true"]);

        Assert.AreEqual(0, dry.ExitCode, dry.All);
        StringAssert.Contains(dry.Output, "AtomicDeploy: DRY RUN, nothing was changed: would deploy release");
        StringAssert.Matches(dry.Output, new System.Text.RegularExpressions.Regex(@"\(0 added, [1-9][0-9]* changed, 0 removed, [0-9.]+ [KM]?B to send, 1 shared links, nothing pruned\)"), dry.Output);
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(root), "a dry run leaves the server byte for byte unchanged");

        var downgrade = app.Publish([.. properties, "Version=1.0.1"]);

        Assert.AreNotEqual(0, downgrade.ExitCode);
        StringAssert.Contains(downgrade.Output, $"error {ErrorCodes.Downgrade}:");
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(root), "a refused downgrade changes nothing");

        var rollback = app.RunTarget("AtomicDeployRollback", connection);

        Assert.AreEqual(0, rollback.ExitCode, rollback.All);
        Assert.AreEqual($"releases/{release1}", tree.CurrentLink);
        StringAssert.Contains(rollback.Output, $"current -> releases/{release1}");
        StringAssert.Contains(tree.HistoryLines[^1], "\"event\":\"rollback\"");

        var unknown = app.RunTarget("AtomicDeployRollback", [.. connection, "AtomicDeployRollbackTo=20990101000000"]);

        Assert.AreNotEqual(0, unknown.ExitCode);
        StringAssert.Contains(unknown.Output, $"error {ErrorCodes.RollbackTargetUnknown}:");
        Assert.AreEqual($"releases/{release1}", tree.CurrentLink);

        var rollbackTo = app.RunTarget("AtomicDeployRollback", [.. connection, $"AtomicDeployRollbackTo={release2}"]);

        Assert.AreEqual(0, rollbackTo.ExitCode, rollbackTo.All);
        Assert.AreEqual($"releases/{release2}", tree.CurrentLink);

        web.Status = 500;
        web.Body = "cache cold";
        var unhealthy = app.Publish([.. properties, "Version=1.3.0", $"AtomicDeployHealthCheckUrl={web.Url}", "AtomicDeployHealthCheckTimeout=2"]);

        Assert.AreNotEqual(0, unhealthy.ExitCode);
        StringAssert.Contains(unhealthy.Output, $"error {ErrorCodes.HealthCheckFailed}:");
        StringAssert.Contains(unhealthy.Output, "HTTP 500: cache cold");
        Assert.AreEqual($"releases/{release2}", tree.CurrentLink, "the previous release is live again");

        var allowed = app.Publish([.. properties, "Version=1.0.1", "AtomicDeployAllowDowngrade=true"]);

        Assert.AreEqual(0, allowed.ExitCode, allowed.All);
        StringAssert.Contains(tree.HistoryLines[^1], "\"version\":\"1.0.1\"");
    }
}
