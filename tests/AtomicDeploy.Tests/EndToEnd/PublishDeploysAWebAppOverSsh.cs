namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// A user's fresh web app, referencing the packed package from a folder feed, deployed with
/// <c>dotnet publish -p:AtomicDeploy=true</c> to the real sshd as an unprivileged user.
/// </summary>
[TestClass]
public sealed class PublishDeploysAWebAppOverSsh
{
    [TestMethod]
    public void Deploys_redeploys_only_changes_drops_removed_files_links_shared_and_keeps_three()
    {
        // A server of its own, so its log shows this test's connections only.
        using var server = SshServer.Start();
        var root = server.NewDeployFolder();
        using var app = new WebApp();
        app.Write("wwwroot/about.html", "<p>about</p>");
        var commit = app.CommitToGit();
        // App_Data is written as on Windows (App_Data\): the backslash marks a folder as / does.
        string[] properties = [.. WebApp.ServerProperties(server, root), "AtomicDeploySharedPaths=\"App_Data\\;appsettings.Production.json\""];

        var first = app.Publish(properties);

        Assert.AreEqual(0, first.ExitCode, first.All);
        var tree = new RemoteTree(root);
        var release1 = tree.Releases.Single();
        StringAssert.Contains(first.Output, $"AtomicDeploy: deployed release {release1} to {root} on {server.HostSpec}");
        Assert.AreEqual($"releases/{release1}", tree.CurrentLink);
        StringAssert.Contains(tree.CurrentFile("wwwroot/index.html"), "Hello from HelloWeb");
        Assert.IsTrue(File.Exists(tree.ReleasePath(release1, "MyShop.dll")));
        Assert.AreEqual("../../shared/App_Data", new FileInfo(tree.ReleasePath(release1, "App_Data")).LinkTarget);
        Assert.IsTrue(Directory.Exists(Path.Combine(root, "shared", "App_Data")), "App_Data\\ made a folder");
        Assert.AreEqual("../../shared/appsettings.Production.json", new FileInfo(tree.ReleasePath(release1, "appsettings.Production.json")).LinkTarget);
        Assert.AreEqual(server.User, ProcessRunner.Check("stat", "-c", "%U", tree.ReleasePath(release1, "MyShop.dll")).Trim(), "the deploy ran as the SSH user");
        Assert.AreEqual(1, server.AcceptedLogins, "the five tasks share one SSH connection");
        StringAssert.Contains(tree.HistoryLines[0], $"\"commit\":\"{commit}\"", "git metadata is read through the packed libgit2");
        var release1Before = RemoteTree.Snapshot(tree.ReleasePath(release1));

        // Change a page, add one, and delete one from the project: dotnet publish leaves the deleted
        // page in its publish folder, but the server must lose it.
        app.Write("wwwroot/index.html", "<h1>version two</h1>");
        app.Write("wwwroot/new.html", "<p>new</p>");
        app.Delete("wwwroot/about.html");
        var second = app.Publish(properties);

        Assert.AreEqual(0, second.ExitCode, second.All);
        Assert.IsTrue(File.Exists(Path.Combine(app.PublishFolder, "wwwroot", "about.html")), "dotnet publish left the deleted page in its folder");
        var release2 = tree.Releases.Last();
        Assert.AreEqual($"releases/{release2}", tree.CurrentLink);
        Assert.AreEqual("<h1>version two</h1>", tree.CurrentFile("wwwroot/index.html"));
        Assert.AreEqual("<p>new</p>", tree.CurrentFile("wwwroot/new.html"));
        Assert.IsFalse(File.Exists(tree.ReleasePath(release2, "wwwroot/about.html")), "a file deleted from the project is gone from the new release");
        CollectionAssert.AreEquivalent(
            Directory.EnumerateFiles(tree.ReleasePath(release1), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(tree.ReleasePath(release1), f)).Where(f => f != "wwwroot/about.html" && !f.StartsWith("wwwroot/about.html.", StringComparison.Ordinal) && !f.StartsWith("App_Data", StringComparison.Ordinal) && !f.StartsWith("appsettings.Production", StringComparison.Ordinal)).ToArray(),
            Directory.EnumerateFiles(tree.ReleasePath(release2), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(tree.ReleasePath(release2), f)).Where(f => !f.StartsWith("wwwroot/new.html", StringComparison.Ordinal) && !f.StartsWith("App_Data", StringComparison.Ordinal) && !f.StartsWith("appsettings.Production", StringComparison.Ordinal)).ToArray(),
            "every other published file, the app's executable and unchanged static files included, is still there");
        Assert.IsTrue(File.Exists(tree.ReleasePath(release2, "MyShop")), "the apphost is deployed on a republish");
        Assert.AreEqual(RemoteTree.Inode(tree.ReleasePath(release1, "appsettings.json")), RemoteTree.Inode(tree.ReleasePath(release2, "appsettings.json")), "unchanged files are hard links");
        CollectionAssert.AreEqual(release1Before, RemoteTree.Snapshot(tree.ReleasePath(release1)), "the previous release is unmodified");

        // The same files again: forced, or nothing would change (UnchangedPublishLeavesTheTargetAsItIs).
        Assert.AreEqual(0, app.Publish([.. properties, "AtomicDeployForce=true"]).ExitCode);
        var fourth = app.Publish([.. properties, "AtomicDeployForce=true"]);

        Assert.AreEqual(0, fourth.ExitCode, fourth.All);
        Assert.AreEqual(3, tree.Releases.Length, "three releases are kept");
        CollectionAssert.DoesNotContain(tree.Releases, release1, "the oldest release was pruned");
        Assert.AreEqual(4, tree.HistoryLines.Length);
        Assert.AreEqual(4, server.AcceptedLogins, "one connection per deploy");
        StringAssert.Contains(tree.HistoryLines[0], "\"version\":\"1.0.0\"");
    }
}
