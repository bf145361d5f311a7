using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// A declared shared path that the publish output also ships is shared all the same: the release's
/// copy seeds shared/ once, then is replaced by the link at every deploy, over the real sshd.
/// </summary>
[TestClass]
public sealed class DeclaredSharedPathWins
{
    [TestMethod]
    public void A_blog_keeps_the_posts_it_wrote_across_deploys_when_the_publish_output_ships_a_sample_post()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        var tree = new RemoteTree(root);
        using var source = new SourceFolder().Write("Blog.dll", "v0").Write("wwwroot/index.html", "home").Write("wwwroot/Posts/sample.md", "sample post");

        // Deployed once before the folder was declared: the live release has the sample as a real file.
        var undeclared = EngineDeploy.Deploy(server, root, source.Path);
        var liveSampleInode = RemoteTree.Inode(tree.ReleasePath(undeclared, "wwwroot/Posts/sample.md"));

        source.Write("Blog.dll", "v1");
        var first = new RecordingLog();
        var release1 = EngineDeploy.Deploy(server, root, source.Path, first, shared: ["wwwroot/Posts/"]);

        Assert.IsTrue(first.Lines.Any(l => l.StartsWith("AtomicDeploy: wwwroot/Posts/ is declared shared: 1 entry seeded shared/ from the live release, which holds what the app wrote there", StringComparison.Ordinal)), string.Join("\n", first.Lines));
        Assert.AreEqual("../../../shared/wwwroot/Posts", new FileInfo(tree.ReleasePath(release1, "wwwroot/Posts")).LinkTarget);
        Assert.AreEqual("sample post", File.ReadAllText(Path.Combine(root, "shared/wwwroot/Posts/sample.md")));
        Assert.AreNotEqual(liveSampleInode, RemoteTree.Inode(Path.Combine(root, "shared/wwwroot/Posts/sample.md")), "the seed is a copy: a post edited in shared/ must not change the older release's hard-linked file");
        Assert.AreEqual("sample post", File.ReadAllText(tree.ReleasePath(undeclared, "wwwroot/Posts/sample.md")), "the release live before is untouched");

        // The app writes a post through current/, as the blog does at run time.
        server.RunAsUser($"echo 'hello world' > '{root}/current/wwwroot/Posts/hello.md'");

        source.Write("Blog.dll", "v2");
        var second = new RecordingLog();
        EngineDeploy.Deploy(server, root, source.Path, second, shared: ["wwwroot/Posts/"]);
        source.Write("Blog.dll", "v3").Write("wwwroot/Posts/sample.md", "the sample, edited locally");
        var third = new RecordingLog();
        var release3 = EngineDeploy.Deploy(server, root, source.Path, third, shared: ["wwwroot/Posts/"]);

        Assert.AreEqual($"releases/{release3}", tree.CurrentLink);
        Assert.AreEqual("hello world\n", tree.CurrentFile("wwwroot/Posts/hello.md"), "the post the app wrote is still served");
        CollectionAssert.AreEquivalent(new[] { "hello.md", "sample.md" }, Directory.GetFiles(Path.Combine(root, "shared/wwwroot/Posts")).Select(Path.GetFileName).ToArray());
        Assert.AreEqual("sample post", File.ReadAllText(Path.Combine(root, "shared/wwwroot/Posts/sample.md")), "shared/ is seeded once, never overwritten");
        Assert.AreEqual("../../../shared/wwwroot/Posts", new FileInfo(tree.ReleasePath(release3, "wwwroot/Posts")).LinkTarget);
        Assert.IsTrue(second.Lines.Any(l => l.Contains("sending 0 added and 1 changed", StringComparison.Ordinal) && l.Contains("removing 0,", StringComparison.Ordinal)), "the sample is neither sent again nor removed: " + string.Join("\n", second.Lines));
        CollectionAssert.Contains(third.Lines, "AtomicDeploy: wwwroot/Posts/ is declared shared: the release's copy is replaced by the link to shared/wwwroot/Posts, which keeps what the app wrote.");
        Assert.AreEqual(0, first.Warnings.Count + second.Warnings.Count + third.Warnings.Count, string.Join("\n", first.Warnings.Concat(second.Warnings).Concat(third.Warnings)));
    }

    [TestMethod]
    public void A_declared_database_that_the_output_ships_seeds_shared_once_and_is_never_replaced_by_a_changed_local_copy()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        var tree = new RemoteTree(root);
        using var source = new SourceFolder().Write("App.dll", "v1").Write("Data/app.db", "template database");

        var first = new RecordingLog();
        var release1 = EngineDeploy.Deploy(server, root, source.Path, first, shared: ["Data/app.db"]);
        CollectionAssert.Contains(first.Lines, "AtomicDeploy: Data/app.db is declared shared: 1 entry seeded shared/ from the release; the release links to shared/Data/app.db.");
        Assert.AreEqual("../../../shared/Data/app.db", new FileInfo(tree.ReleasePath(release1, "Data/app.db")).LinkTarget);

        // Users register: the app writes the live database.
        server.RunAsUser($"echo 'users registered in production' > '{root}/current/Data/app.db'");

        source.Write("App.dll", "v2").Write("Data/app.db", "the developer's local database");
        EngineDeploy.Deploy(server, root, source.Path, shared: ["Data/app.db"]);
        source.Write("App.dll", "v3");
        var release3 = EngineDeploy.Deploy(server, root, source.Path, shared: ["Data/app.db"]);

        Assert.AreEqual($"releases/{release3}", tree.CurrentLink);
        Assert.AreEqual("users registered in production\n", tree.CurrentFile("Data/app.db"));
        Assert.AreEqual("users registered in production\n", File.ReadAllText(Path.Combine(root, "shared/Data/app.db")));
        Assert.AreEqual("../../../shared/Data/app.db", new FileInfo(tree.ReleasePath(release3, "Data/app.db")).LinkTarget);
    }

    [TestMethod]
    public void A_database_the_app_filled_before_its_folder_was_declared_seeds_shared_from_the_live_release()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        var tree = new RemoteTree(root);
        using var source = new SourceFolder().Write("App.dll", "v1").Write("Data/app.db", "template database");

        // Deployed undeclared, as the template ships it; users register in production.
        var undeclared = EngineDeploy.Deploy(server, root, source.Path);
        server.RunAsUser($"echo 'users registered in production' > '{root}/current/Data/app.db' && echo wal > '{root}/current/Data/app.db-wal'");

        // The developer's copy changed, and the folder is declared shared in the same deploy.
        source.Write("App.dll", "v2").Write("Data/app.db", "the developer's local database");
        var log = new RecordingLog();
        var release = EngineDeploy.Deploy(server, root, source.Path, log, shared: ["Data/"]);

        Assert.AreEqual("users registered in production\n", tree.CurrentFile("Data/app.db"), "production's database, not the developer's");
        Assert.AreEqual("wal\n", tree.CurrentFile("Data/app.db-wal"), "with the file SQLite keeps beside it");
        Assert.AreEqual("../../shared/Data", new DirectoryInfo(tree.ReleasePath(release, "Data")).LinkTarget);
        Assert.AreNotEqual(RemoteTree.Inode(tree.ReleasePath(undeclared, "Data/app.db")), RemoteTree.Inode(Path.Combine(root, "shared/Data/app.db")), "a copy, not the older release's inode");
        Assert.IsTrue(log.Lines.Any(l => l.StartsWith("AtomicDeploy: Data/ is declared shared: 2 entries seeded shared/ from the live release", StringComparison.Ordinal)), string.Join("\n", log.Lines));
    }

    [TestMethod]
    public void A_database_taken_out_of_the_publish_output_as_its_folder_is_declared_is_kept_from_the_live_release()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        var tree = new RemoteTree(root);
        using var source = new SourceFolder().Write("App.dll", "v1").Write("Data/app.db", "template database");
        EngineDeploy.Deploy(server, root, source.Path);
        server.RunAsUser($"echo 'users registered in production' > '{root}/current/Data/app.db'");

        source.Delete("Data/app.db");
        Directory.Delete(Path.Combine(source.Path, "Data"));
        source.Write("App.dll", "v2");
        EngineDeploy.Deploy(server, root, source.Path, shared: ["Data/"]);
        source.Write("App.dll", "v3");
        var release = EngineDeploy.Deploy(server, root, source.Path, shared: ["Data/"]);

        Assert.AreEqual($"releases/{release}", tree.CurrentLink);
        Assert.AreEqual("users registered in production\n", tree.CurrentFile("Data/app.db"));
    }

    [TestMethod]
    public void An_undeclared_shared_folder_that_the_release_also_has_is_reported()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("App.dll", "v1").Write("media/logo.png", "logo");
        EngineDeploy.Deploy(server, root, source.Path);
        server.RunAsUser($"mkdir -p '{root}/shared/media' && echo cat > '{root}/shared/media/cat.jpg'");

        var log = new RecordingLog();
        var release = EngineDeploy.Deploy(server, root, source.Path, log);

        Assert.IsTrue(log.Warnings.Any(w => w.Code == ErrorCodes.SharedConflict && w.Message.StartsWith("'media/' is a folder in shared/ and also in the release", StringComparison.Ordinal)), string.Join("\n", log.Warnings));
        Assert.AreEqual("../../../shared/media/cat.jpg", new FileInfo(new RemoteTree(root).ReleasePath(release, "media/cat.jpg")).LinkTarget, "the drop-down rule still links what the release lacks");
    }
}
