namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// PrepareRelease creates the release in the same round trip as the state query when the clock's
/// name is the newest; otherwise it still makes the right release in a second one.
/// </summary>
[TestClass]
public sealed class ReleaseCreatedWithTheStateQuery
{
    [TestMethod]
    public void A_later_release_on_the_server_makes_the_next_name_follow_it_and_the_copy_is_still_hard_linked()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("same.txt", "unchanged");
        EngineDeploy.Deploy(server, root, source.Path);
        var tree = new RemoteTree(root);
        var live = tree.Releases.Single();
        server.RunAsUser($"cd '{root}' && mv releases/{live} releases/20991231235959 && mv .atomicdeploy/manifests/{live}.json .atomicdeploy/manifests/20991231235959.json && ln -sfn releases/20991231235959 current");

        source.Write("app.dll", "v2");
        var release = EngineDeploy.Deploy(server, root, source.Path);

        Assert.AreEqual("21000101000000", release);
        Assert.AreEqual($"releases/{release}", tree.CurrentLink);
        Assert.AreEqual("v2", tree.CurrentFile("app.dll"));
        Assert.AreEqual(RemoteTree.Inode(tree.ReleasePath("20991231235959", "same.txt")), RemoteTree.Inode(tree.ReleasePath(release, "same.txt")));
    }

    [TestMethod]
    public void A_current_link_to_a_folder_that_only_looks_like_a_release_gives_an_empty_new_release()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        EngineDeploy.Deploy(server, root, source.Path);
        var tree = new RemoteTree(root);
        var live = tree.Releases.Single();
        // 14 digits before now, but not a date (31 February): not a release of this tool, though it has a manifest.
        server.RunAsUser($"cd '{root}' && mv releases/{live} releases/20260231000000 && mv .atomicdeploy/manifests/{live}.json .atomicdeploy/manifests/20260231000000.json && ln -sfn releases/20260231000000 current && echo stray > releases/20260231000000/stray.txt");

        var release = EngineDeploy.Deploy(server, root, source.Path);

        Assert.AreEqual($"releases/{release}", tree.CurrentLink);
        Assert.AreEqual("v1", tree.CurrentFile("app.dll"));
        Assert.IsFalse(File.Exists(tree.ReleasePath(release, "stray.txt")), "nothing of the look-alike folder is copied");
    }
}
