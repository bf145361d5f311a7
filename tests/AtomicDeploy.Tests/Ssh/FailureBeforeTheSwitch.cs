using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>A deploy that fails before its switch leaves the live site exactly as it was.</summary>
[TestClass]
public sealed class FailureBeforeTheSwitch
{
    [TestMethod]
    public void A_failing_upload_leaves_current_and_the_live_release_untouched_and_removes_the_half_made_release()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("big.bin", new string('x', 300_000));
        var live = EngineDeploy.Deploy(server, root, source.Path);
        var before = RemoteTree.Snapshot(Path.Combine(root, "releases"));

        // The manifests folder becomes read-only: the upload's last member cannot be written,
        // after the release's new files have already landed.
        server.RunAsUser($"chmod 555 '{root}/.atomicdeploy/manifests'");
        source.Write("app.dll", "v2");
        var failure = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Deploy(server, root, source.Path));
        server.RunAsUser($"chmod 755 '{root}/.atomicdeploy/manifests'");

        var tree = new RemoteTree(root);
        Assert.AreEqual(ErrorCodes.RemoteFailed, failure.Code);
        Assert.AreEqual($"releases/{live}", tree.CurrentLink);
        Assert.AreEqual("v1", tree.CurrentFile("app.dll"));
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(Path.Combine(root, "releases")), "only the live release is left, unmodified");
        Assert.IsFalse(Directory.Exists(Path.Combine(root, ".atomicdeploy", "lock")));
        StringAssert.Contains(tree.HistoryLines[^1], "\"outcome\":\"failed\"");

        source.Write("app.dll", "v3");
        EngineDeploy.Deploy(server, root, source.Path);
        Assert.AreEqual("v3", tree.CurrentFile("app.dll"), "the next deploy succeeds without manual steps");
    }

    [TestMethod]
    public void A_failure_before_a_release_is_proposed_leaves_the_server_as_it_was_history_included()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        var history = new RemoteTree(root).HistoryLines;
        var before = RemoteTree.Snapshot(Path.Combine(root, "releases"));

        // The publish folder is read after the lock is taken (against the live manifest its channel brought).
        var failure = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Deploy(server, root, source.Path + "-gone"));

        var tree = new RemoteTree(root);
        Assert.AreEqual(ErrorCodes.SourceMissing, failure.Code, failure.Message);
        CollectionAssert.AreEqual(history, tree.HistoryLines, "nothing was deployed, so the history records nothing");
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(Path.Combine(root, "releases")));
        Assert.AreEqual($"releases/{live}", tree.CurrentLink);
        Assert.IsFalse(Directory.Exists(Path.Combine(root, ".atomicdeploy", "lock")));
    }

    [TestMethod]
    public void An_upload_refused_at_its_first_file_fails_cleanly_and_the_same_connection_cleans_up()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/site.css", "body{}");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        var before = RemoteTree.Snapshot(Path.Combine(root, "releases"));
        source.Write("app.dll", "v2").Write("big.bin", new string('z', 8_000_000));

        using var session = EngineDeploy.Open(EngineDeploy.Connect(EngineDeploy.Settings(server)), EngineDeploy.Deploy(root, source.Path, timeout: TimeSpan.FromSeconds(60)), new RecordingLog());
        var release = session.Prepare(DateTime.UtcNow, CancellationToken.None);
        // A folder where the upload's new file goes (a read-only folder would not stop it: the upload makes the release's folders writable).
        server.RunAsUser($"mkdir -p '{root}/releases/{release}/big.bin/in-the-way'");
        var failure = Assert.ThrowsExactly<DeployException>(() => session.Upload(CancellationToken.None));
        session.Abort(failure);

        var tree = new RemoteTree(root);
        Assert.AreEqual(ErrorCodes.RemoteFailed, failure.Code, failure.Message);
        Assert.AreEqual($"releases/{live}", tree.CurrentLink);
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(Path.Combine(root, "releases")), "the half-made release is removed over the same connection; the live one is unmodified");
        Assert.IsFalse(Directory.Exists(Path.Combine(root, ".atomicdeploy", "lock")));
        Assert.AreEqual("v1", tree.CurrentFile("app.dll"));
    }

    [TestMethod]
    public void A_history_that_cannot_be_written_after_the_rename_leaves_the_new_release_live()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        EngineDeploy.Deploy(server, root, source.Path);
        server.RunAsUser($"rm '{root}/.atomicdeploy/log.jsonl' && mkdir '{root}/.atomicdeploy/log.jsonl'");

        source.Write("app.dll", "v2");
        var release = EngineDeploy.Deploy(server, root, source.Path);

        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{release}", tree.CurrentLink);
        Assert.AreEqual("v2", tree.CurrentFile("app.dll"));
        Assert.IsTrue(Directory.Exists(tree.ReleasePath(release)), "the live release was not cleaned up as if it had failed");
    }

    [TestMethod]
    public void A_current_that_is_a_real_folder_is_refused_before_anything_is_uploaded()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        server.RunAsUser($"mkdir -p '{root}/current' && echo old > '{root}/current/index.html'");
        using var source = new SourceFolder().Write("app.dll", "v1");

        var failure = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Deploy(server, root, source.Path));

        Assert.AreEqual(ErrorCodes.RemoteStateInvalid, failure.Code);
        Assert.AreEqual("old\n", File.ReadAllText(Path.Combine(root, "current", "index.html")));
        Assert.IsEmpty(new RemoteTree(root).Releases);
        Assert.IsFalse(Directory.Exists(Path.Combine(root, ".atomicdeploy", "lock")));
    }

    [TestMethod]
    public void A_held_lock_refuses_the_deploy_names_its_owner_and_changes_nothing()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        EngineDeploy.Deploy(server, root, source.Path);
        server.RunAsUser($"mkdir '{root}/.atomicdeploy/lock' && echo 'alice@build-7 pid 42' > '{root}/.atomicdeploy/lock/owner'");
        var before = RemoteTree.Snapshot(root);

        source.Write("app.dll", "v2");
        var failure = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Deploy(server, root, source.Path));

        Assert.AreEqual(ErrorCodes.Locked, failure.Code);
        StringAssert.Contains(failure.Message, "alice@build-7 pid 42");
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(root), "the other deploy's lock and the live site are untouched");
    }

    [TestMethod]
    public void Switching_before_the_upload_is_a_coded_error_and_switches_nothing()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        source.Write("app.dll", "v2");
        using var session = EngineDeploy.Open(EngineDeploy.Connect(EngineDeploy.Settings(server)), EngineDeploy.Deploy(root, source.Path, timeout: TimeSpan.FromSeconds(30)), new RecordingLog());
        session.Prepare(DateTime.UtcNow, CancellationToken.None);

        var failure = Assert.ThrowsExactly<DeployException>(() => session.Switch(CancellationToken.None));
        session.Abort(failure);

        Assert.AreEqual(ErrorCodes.NoPreparedRelease, failure.Code);
        StringAssert.Contains(failure.Message, "PrepareRelease, UploadChanged, LinkShared, SwitchCurrent, PruneReleases");
        Assert.AreEqual($"releases/{live}", new RemoteTree(root).CurrentLink);
        CollectionAssert.AreEqual(new[] { live }, new RemoteTree(root).Releases, "the prepared release was removed");
    }
}
