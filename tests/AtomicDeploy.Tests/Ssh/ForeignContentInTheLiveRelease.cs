using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>Content in the live release that another user owns stops the deploy with its own code, naming the path, and changes nothing.</summary>
[TestClass]
public sealed class ForeignContentInTheLiveRelease
{
    [TestMethod]
    public void A_file_or_an_unreadable_folder_of_another_user_gets_AD0411_with_its_path_and_the_fix_and_then_the_deploy_works()
    {
        var server = SharedServer.Instance;
        if (!server.IsRoot)
        {
            Assert.Inconclusive("Giving a file to another user needs root; the tests run as root in CI.");
        }

        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/index.html", "<h1>v1</h1>");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        var tree = new RemoteTree(root);
        File.WriteAllText(tree.ReleasePath(live, "wwwroot/upload.png"), "png");
        ProcessRunner.Check("chown", "nobody:", tree.ReleasePath(live, "wwwroot/upload.png"));
        source.Write("app.dll", "v2");
        var before = RemoteTree.Snapshot(Path.Combine(root, "releases"));
        var history = tree.HistoryLines;

        var owned = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Deploy(server, root, source.Path));

        Assert.AreEqual(ErrorCodes.ForeignContent, owned.Code, owned.Message);
        CollectionAssert.AreEqual(history, tree.HistoryLines, "the error says nothing was changed: the history records nothing either");
        StringAssert.Contains(owned.Message, $"releases/{live}/wwwroot/upload.png");
        StringAssert.Contains(owned.Message, "chown");
        StringAssert.Contains(owned.Message, "shared/");
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(Path.Combine(root, "releases")), "nothing is changed");
        Assert.AreEqual($"releases/{live}", tree.CurrentLink);

        File.Delete(tree.ReleasePath(live, "wwwroot/upload.png"));
        var hidden = tree.ReleasePath(live, "wwwroot/cache");
        Directory.CreateDirectory(hidden);
        ProcessRunner.Check("chown", "nobody:", hidden);
        ProcessRunner.Check("chmod", "0700", hidden);

        var unreadable = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Deploy(server, root, source.Path));

        Assert.AreEqual(ErrorCodes.ForeignContent, unreadable.Code, unreadable.Message);
        StringAssert.Contains(unreadable.Message, $"releases/{live}/wwwroot/cache");

        ProcessRunner.Check("chown", "-R", $"{server.User}:", hidden);
        EngineDeploy.Deploy(server, root, source.Path);
        Assert.AreEqual("v2", tree.CurrentFile("app.dll"), "once the content is the deploy user's again, the deploy works");
    }
}
