using AtomicDeploy.Core.Engine;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// A deploy in which nothing changed, over SSH to the real sshd: it leaves the deploy folder byte for
/// byte as it was (only the lock file names its last holder), unless forced or asked to restart.
/// </summary>
[TestClass]
public sealed class UnchangedDeploysOverSsh
{
    [TestMethod]
    public void An_unchanged_deploy_leaves_the_server_byte_for_byte_as_it_was()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/index.html", "<h1>one</h1>");
        var live = EngineDeploy.Deploy(server, root, source.Path, shared: ["logs/"]);
        var before = WithoutLockFile(root);
        var log = new RecordingLog();

        var release = Deploy(server, root, source.Path, log, shared: ["logs/"]);

        var host = log.Lines.Single(l => l.StartsWith("AtomicDeploy: [", StringComparison.Ordinal)).Split(']')[0]["AtomicDeploy: [".Length..];
        Assert.AreEqual(live, release, "the live release is reported as the deploy's");
        CollectionAssert.AreEqual(before, WithoutLockFile(root), "releases, current, shared links, manifests, history and pending marks are as they were");
        CollectionAssert.Contains(log.Lines, $"AtomicDeploy: [{host}] release {live}: 0 added, 0 changed, 0 removed, 0 B sent, {Seconds(log, host)} s: unchanged.", string.Join('\n', log.Lines));
        Assert.IsTrue(log.Lines.Any(l => l.StartsWith($"AtomicDeploy: nothing changed since release {live} on {host}; the server is left as it is", StringComparison.Ordinal)), string.Join('\n', log.Lines));
        Assert.IsFalse(log.Lines.Any(l => l.Contains("current ->", StringComparison.Ordinal) || l.Contains("pruned", StringComparison.Ordinal)), string.Join('\n', log.Lines));
    }

    [TestMethod]
    public void An_unchanged_deploy_makes_no_release_it_asks_one_read_only_question_after_the_lock()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/index.html", "<h1>one</h1>");
        var live = EngineDeploy.Deploy(server, root, source.Path, shared: ["logs/"]);
        using var counting = new CountingShell(EngineDeploy.Connect(EngineDeploy.Settings(server)));

        var release = EngineDeploy.Deploy(counting, root, source.Path, shared: ["logs/"]);

        Assert.AreEqual(live, release);
        Assert.HasCount(1, counting.Scripts, string.Join("\n-----\n", counting.Scripts));
        StringAssert.Contains(counting.Scripts[0], Core.Remote.UnchangedScripts.PartMarker);
        Assert.IsFalse(counting.Scripts[0].Contains("cp ", StringComparison.Ordinal) || counting.Scripts[0].Contains("mkdir", StringComparison.Ordinal) || counting.Scripts[0].Contains("rm ", StringComparison.Ordinal), counting.Scripts[0]);
    }

    [TestMethod]
    public void A_declared_shared_path_gone_from_shared_is_a_change_and_the_deploy_makes_it_again()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = EngineDeploy.Deploy(server, root, source.Path, shared: ["logs/"]);
        Directory.Delete(Path.Combine(root, "shared", "logs"));

        var release = Deploy(server, root, source.Path, new RecordingLog(), shared: ["logs/"]);

        Assert.AreNotEqual(live, release);
        Assert.IsTrue(Directory.Exists(Path.Combine(root, "shared", "logs")));
        Assert.AreEqual("../../shared/logs", new FileInfo(new RemoteTree(root).ReleasePath(release, "logs")).LinkTarget);
    }

    [TestMethod]
    public void A_file_removed_from_the_live_release_by_hand_is_a_change_and_the_deploy_brings_it_back()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/index.html", "<h1>one</h1>");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        File.Delete(new RemoteTree(root).ReleasePath(live, "wwwroot/index.html"));

        var release = Deploy(server, root, source.Path, new RecordingLog());

        Assert.AreNotEqual(live, release);
        Assert.AreEqual("<h1>one</h1>", File.ReadAllText(new RemoteTree(root).ReleasePath(release, "wwwroot/index.html")));
    }

    [TestMethod]
    public void A_shared_link_removed_from_the_live_release_by_hand_is_a_change()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        EngineDeploy.Deploy(server, root, source.Path);
        Directory.CreateDirectory(Path.Combine(root, "shared", "uploads"));
        var live = Deploy(server, root, source.Path, new RecordingLog());
        File.Delete(new RemoteTree(root).ReleasePath(live, "uploads"));

        var log = new RecordingLog();
        var release = Deploy(server, root, source.Path, log);

        Assert.AreNotEqual(live, release);
        Assert.IsTrue(log.Lines.Any(l => l.EndsWith("but its links to shared/ do not: a new release links uploads.", StringComparison.Ordinal)), string.Join("\n", log.Lines));
        Assert.AreEqual("../../shared/uploads", new FileInfo(new RemoteTree(root).ReleasePath(release, "uploads")).LinkTarget);
    }

    [TestMethod]
    public void A_declared_path_inside_a_folder_linked_whole_is_in_place_so_nothing_changed()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        // The publish has no wwwroot: the whole of shared/wwwroot is linked, and wwwroot/uploads is reached through that link.
        using var source = new SourceFolder().Write("app.dll", "v1");
        string[] shared = ["wwwroot/uploads/", "data/", "data/app.db"];
        var live = Deploy(server, root, source.Path, new RecordingLog(), shared: shared);
        var log = new RecordingLog();

        var release = Deploy(server, root, source.Path, log, shared: shared);

        Assert.AreEqual("../../shared/wwwroot", new FileInfo(new RemoteTree(root).ReleasePath(live, "wwwroot")).LinkTarget);
        Assert.AreEqual(live, release, string.Join('\n', log.Lines));
    }

    [TestMethod]
    public void A_shared_folder_that_is_a_link_with_nothing_declared_is_no_change()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        EngineDeploy.Deploy(server, root, source.Path);
        server.RunAsUser($"cd '{root}' && mv shared shared-volume && ln -s shared-volume shared");
        var live = Deploy(server, root, source.Path, new RecordingLog(), force: true);
        var log = new RecordingLog();

        var release = Deploy(server, root, source.Path, log);

        Assert.AreEqual(live, release, string.Join('\n', log.Lines));
    }

    [TestMethod]
    public void A_new_shared_entry_is_a_change_so_the_deploy_goes_ahead()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        Directory.CreateDirectory(Path.Combine(root, "shared", "uploads"));

        var log = new RecordingLog();
        var release = Deploy(server, root, source.Path, log);

        var tree = new RemoteTree(root);
        Assert.AreNotEqual(live, release);
        Assert.IsTrue(log.Lines.Any(l => l.StartsWith($"AtomicDeploy: the publish output matches the live release {live} on ", StringComparison.Ordinal) && l.EndsWith(", but its links to shared/ do not: a new release links uploads.", StringComparison.Ordinal)), "the log says why a release is made: " + string.Join("\n", log.Lines));
        Assert.AreEqual($"releases/{release}", tree.CurrentLink);
        Assert.AreEqual("../../shared/uploads", new FileInfo(tree.ReleasePath(release, "uploads")).LinkTarget);
    }

    [TestMethod]
    public void Force_deploys_a_new_release_of_the_same_files()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = EngineDeploy.Deploy(server, root, source.Path);

        var release = Deploy(server, root, source.Path, new RecordingLog(), force: true);

        var tree = new RemoteTree(root);
        Assert.AreNotEqual(live, release);
        Assert.AreEqual($"releases/{release}", tree.CurrentLink);
        CollectionAssert.AreEqual(new[] { live, release }, tree.Releases);
        Assert.AreEqual(2, tree.HistoryLines.Length);
    }

    [TestMethod]
    public void RestartUnchanged_runs_the_switch_commands_on_an_identical_release_and_without_it_they_do_not_run()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        // The command writes into a linked shared folder: a new file there is no change to the release.
        var hooks = CheckedDeploy.Hooks(after: "echo restarted $ATOMICDEPLOY_RELEASE >> \"$ATOMICDEPLOY_PATH/shared/logs/restarts\"");
        string[] shared = ["logs/"];
        var live = Deploy(server, root, source.Path, new RecordingLog(), hooks: hooks, shared: shared);

        var unchanged = Deploy(server, root, source.Path, new RecordingLog(), hooks: hooks, shared: shared);
        var restarted = Deploy(server, root, source.Path, new RecordingLog(), hooks: hooks, shared: shared, restartUnchanged: true);

        Assert.AreEqual(live, unchanged, "without AtomicDeployRestartUnchanged nothing runs");
        Assert.AreNotEqual(live, restarted);
        CollectionAssert.AreEqual(new[] { $"restarted {live}", $"restarted {restarted}" }, File.ReadAllLines(Path.Combine(root, "shared", "logs", "restarts")));
        Assert.AreEqual($"releases/{restarted}", new RemoteTree(root).CurrentLink);
    }

    /// <summary>The deploy folder, without the lock file: taking the lock writes its holder's name there.</summary>
    internal static SortedDictionary<string, string> WithoutLockFile(string root)
    {
        var snapshot = RemoteTree.Snapshot(root);
        Assert.IsTrue(snapshot.Remove(Path.Combine(".atomicdeploy", "deploy.lock")), "the lock file is there");
        return snapshot;
    }

    private static string Seconds(RecordingLog log, string host)
    {
        var line = log.Lines.Single(l => l.StartsWith($"AtomicDeploy: [{host}]", StringComparison.Ordinal));
        return line[(line.LastIndexOf(", ", StringComparison.Ordinal) + 2)..line.LastIndexOf(" s:", StringComparison.Ordinal)];
    }

    private static string Deploy(SshServer server, string root, string source, RecordingLog log, bool force = false, bool restartUnchanged = false, Core.Operations.SwitchHookSettings? hooks = null, string[]? shared = null)
    {
        var settings = EngineDeploy.Deploy(root, source, shared: shared, hooks: hooks, force: force, restartUnchanged: restartUnchanged);
        using var deployment = EngineDeploy.Open(EngineDeploy.Connect(EngineDeploy.Settings(server)), settings, log);
        deployment.Run(DateTime.UtcNow, CancellationToken.None);
        return deployment.Release!;
    }
}
