using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Issue 16: a deploy's prune takes the releases it gives up out of <c>releases/</c> (one rename
/// each) and leaves their deletion to its lock's command, which deletes them once the deploy has
/// ended, still holding the lock: no deploy waits for a tree's removal, and the next deploy cannot
/// start before the removal is done.
/// </summary>
[TestClass]
public sealed class PrunedReleasesDeletedAtTheLocksEnd
{
    [TestMethod]
    public void The_trash_is_deleted_only_after_the_lock_is_let_go_and_before_the_lock_goes()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        EngineDeploy.Deploy(server, root, source.Path);
        // The deploy's own lock goes a moment after it returned.
        Wait.Until(() => !new RemoteTree(root).LockHeld, TimeSpan.FromSeconds(10), "the first deploy's lock to go");
        var pruned = Path.Combine(root, PruneScripts.TrashFolder, "20200101000000");
        // Some thousands of files, so that their removal takes a while.
        server.RunAsUser($"mkdir -p '{pruned}/wwwroot' && cd '{pruned}/wwwroot' && seq 3000 | xargs touch");
        using var shell = EngineDeploy.Connect(EngineDeploy.Settings(server));

        var held = DeployLock.Take(shell, root, "tester", TimeSpan.FromSeconds(10), new RecordingLog(), CancellationToken.None);
        Assert.IsTrue(Directory.Exists(pruned), "kept while the deploy holds the lock");
        held.Dispose();

        Wait.Until(() => !new RemoteTree(root).LockHeld, TimeSpan.FromSeconds(10), "the lock to go");
        Assert.IsFalse(Directory.Exists(pruned), "deleted before the lock went");
        Assert.AreEqual("v1", new RemoteTree(root).CurrentFile("app.dll"), "the live release is untouched");
    }

    [TestMethod]
    public void A_deploy_that_prunes_leaves_the_release_out_of_releases_and_its_deletion_to_the_lock()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var first = EngineDeploy.Deploy(server, root, source.Path, keep: 1);
        source.Write("app.dll", "v2");
        var second = EngineDeploy.Deploy(server, root, source.Path, keep: 1);
        source.Write("app.dll", "v3");
        using var shell = EngineDeploy.Connect(EngineDeploy.Settings(server));
        var scripts = new CountingShell(shell);

        var third = EngineDeploy.Deploy(scripts, root, source.Path, keep: 1);

        CollectionAssert.AreEqual(new[] { second, third }, new RemoteTree(root).Releases, "the pruned release left releases/ within the deploy (the one live before is kept)");
        var prune = scripts.Scripts.Single(s => s.Contains(PruneScripts.TrashFolder + "/" + first, StringComparison.Ordinal) && s.Contains("mv -T", StringComparison.Ordinal));
        Assert.IsFalse(prune.Contains("rm -rf -- \"$t\"", StringComparison.Ordinal), "the prune's own script does not delete the tree: " + prune);
        Wait.Until(() => !Directory.Exists(Path.Combine(root, PruneScripts.TrashFolder, first)), TimeSpan.FromSeconds(10), "the lock's command to delete it");
    }
}
