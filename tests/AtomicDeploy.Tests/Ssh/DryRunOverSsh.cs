using AtomicDeploy.Core.Operations;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>A dry run reads the server and prints the plan, and leaves the server byte for byte as it was.</summary>
[TestClass]
public sealed class DryRunOverSsh
{
    [TestMethod]
    public void The_plan_names_the_changes_links_and_prunes_and_the_tree_is_unchanged()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("old.txt", "old").Write("same.txt", "same");
        var releases = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            source.Write("app.dll", $"v{i}");
            releases.Add(EngineDeploy.Deploy(server, root, source.Path, shared: ["App_Data/"]));
        }

        source.Write("app.dll", "v-next").Delete("old.txt").Write("new.txt", "new");
        var before = RemoteTree.Snapshot(root);
        var log = new RecordingLog();

        Plan(server, root, source.Path, log, ["App_Data/", "appsettings.Production.json"]);

        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(root), "nothing changed on the server");
        var all = string.Join('\n', log.Lines);
        CollectionAssert.IsSubsetOf(new[] { "  would add     new.txt", "  would change  app.dll", "  would remove  old.txt", "  would link    App_Data -> ../../shared/App_Data", "  would link    appsettings.Production.json -> ../../shared/appsettings.Production.json" }, log.Lines, all);
        var summary = log.Lines.Single(l => l.StartsWith("AtomicDeploy: DRY RUN", StringComparison.Ordinal));
        StringAssert.Contains(summary, "nothing was changed");
        StringAssert.Contains(summary, "(1 added, 1 changed, 1 removed, 9 B to send, 2 shared links, would prune " + releases[0] + ")");
        Assert.IsFalse(log.Lines.Any(l => l.StartsWith("AtomicDeploy: deployed", StringComparison.Ordinal)), all);
    }

    [TestMethod]
    public void A_declared_shared_folder_the_live_release_has_is_shown_seeding_shared_from_it_not_as_a_conflict()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/Posts/hello.md", "# hello");
        EngineDeploy.Deploy(server, root, source.Path);
        var log = new RecordingLog();

        Plan(server, root, source.Path, log, ["wwwroot/Posts/"]);

        var all = string.Join('\n', log.Lines);
        Assert.IsTrue(log.Lines.Any(l => l.StartsWith("  would seed    shared/wwwroot/Posts from the live release (1 published entry and what the app wrote there)", StringComparison.Ordinal) && l.EndsWith("wwwroot/Posts/ is declared shared, then link it", StringComparison.Ordinal)), all);
        CollectionAssert.Contains(log.Lines.ToList(), "  would link    wwwroot/Posts -> ../../../shared/wwwroot/Posts", all);
        Assert.AreEqual(0, log.Warnings.Count, all);
        Assert.IsFalse(Directory.Exists(Path.Combine(root, "shared", "wwwroot")), "a dry run seeds nothing");
    }

    [TestMethod]
    public void After_a_deploy_that_seeded_a_declared_folder_the_dry_run_sees_nothing_to_send_as_the_deploy_does()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/uploads/README.txt", "uploads go here");
        EngineDeploy.Deploy(server, root, source.Path, shared: ["wwwroot/uploads/"]);
        var log = new RecordingLog();

        Plan(server, root, source.Path, log, ["wwwroot/uploads/"]);

        var all = string.Join('\n', log.Lines);
        Assert.IsTrue(log.Lines.Any(l => l.Contains("would send 0 added and 0 changed", StringComparison.Ordinal)), "the published file under the shared folder is kept as recorded, not added again: " + all);
        CollectionAssert.Contains(log.Lines.ToList(), "  would keep    shared/wwwroot/uploads: wwwroot/uploads/ is declared shared and shared/ has it, so the release's copy is replaced by the link", all);
    }

    [TestMethod]
    public void A_dry_run_to_a_folder_that_does_not_exist_creates_nothing()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var parent = Path.GetDirectoryName(root)!;
        var before = RemoteTree.Snapshot(parent);
        var log = new RecordingLog();

        Plan(server, root, source.Path, log, ["App_Data/"]);

        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(parent));
        Assert.IsFalse(Directory.Exists(root));
        StringAssert.Contains(log.Lines.Single(l => l.StartsWith("AtomicDeploy: DRY RUN", StringComparison.Ordinal)), "(1 added, 0 changed, 0 removed, 2 B to send, 1 shared links, nothing pruned)");
    }

    [TestMethod]
    public void In_two_slot_mode_the_plan_names_the_idle_slot_its_check_the_flip_and_the_slot_stopped_after_it()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        // The layout a two-slot deploy leaves: nginx pointed at 5001, whose slot link names the live release.
        File.WriteAllText(Path.Combine(root, "upstream.conf"), "server 127.0.0.1:5001;\n");
        Directory.CreateDirectory(Path.Combine(root, "slots"));
        File.CreateSymbolicLink(Path.Combine(root, "slots", "5001"), "../releases/" + live);
        source.Write("app.dll", "v2");
        var before = RemoteTree.Snapshot(root);
        var log = new RecordingLog();
        var slots = new AppSlotSettings([5001, 5002], "sudo systemctl start shop@$ATOMICDEPLOY_APP_PORT", "sudo systemctl stop shop@$ATOMICDEPLOY_APP_PORT", "/healthz", TimeSpan.FromSeconds(45), "sudo systemctl reload nginx", TimeSpan.FromSeconds(60));

        Plan(server, root, source.Path, log, [], slots);

        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(root), "nothing changed on the server");
        var all = string.Join('\n', log.Lines);
        var start = log.Lines.Single(l => l.StartsWith("  would start   releases/", StringComparison.Ordinal));
        StringAssert.EndsWith(start, $" in slot 5002 (slot 5001 (releases/{live}) keeps serving until the flip): sudo systemctl start shop@$ATOMICDEPLOY_APP_PORT");
        CollectionAssert.IsSubsetOf(new[]
        {
            "  would check   http://127.0.0.1:5002/healthz until it answers 2xx (at most 45 s)",
            $"  would point   {root}/upstream.conf at 127.0.0.1:5002 and reload the proxy: sudo systemctl reload nginx",
            "  would stop    slot 5001 after the flip: sudo systemctl stop shop@$ATOMICDEPLOY_APP_PORT",
        }, log.Lines, all);
    }

    private static void Plan(SshServer server, string root, string source, RecordingLog log, string[] shared, AppSlotSettings? slots = null)
    {
        using var deployment = EngineDeploy.Open(EngineDeploy.Connect(EngineDeploy.Settings(server)), EngineDeploy.Deploy(root, source, shared: shared, timeout: CheckedDeploy.Timeout) with { Slots = slots }, log);
        DryRun.Run(deployment, CancellationToken.None);
    }
}
