using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>shared/ linked into each release by the DeployHQ drop-down rule, over SSH.</summary>
[TestClass]
public sealed class SharedFolderLinking
{
    [TestMethod]
    public void Declared_shared_paths_are_created_and_linked_with_relative_links()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/index.html", "home");

        var release = EngineDeploy.Deploy(server, root, source.Path, shared: ["App_Data/", "wwwroot/uploads/", "appsettings.Production.json", "secrets.env"]);

        var tree = new RemoteTree(root);
        Assert.IsTrue(Directory.Exists(Path.Combine(root, "shared", "App_Data")));
        Assert.AreEqual("{}\n", File.ReadAllText(Path.Combine(root, "shared", "appsettings.Production.json")), "a declared .json file is an empty object, which ASP.NET Core can load");
        Assert.AreEqual(0, new FileInfo(Path.Combine(root, "shared", "secrets.env")).Length, "any other declared file is empty");
        Assert.AreEqual("../../shared/App_Data", new FileInfo(tree.ReleasePath(release, "App_Data")).LinkTarget);
        Assert.AreEqual("../../shared/appsettings.Production.json", new FileInfo(tree.ReleasePath(release, "appsettings.Production.json")).LinkTarget);
        Assert.AreEqual("../../../shared/wwwroot/uploads", new FileInfo(tree.ReleasePath(release, "wwwroot/uploads")).LinkTarget, "wwwroot exists in the release, so the link drops down into it");
        Assert.IsNull(new FileInfo(tree.ReleasePath(release, "wwwroot")).LinkTarget, "wwwroot itself stays the release's folder");
    }

    [TestMethod]
    public void Data_in_shared_survives_the_next_deploy_and_a_file_in_both_keeps_the_release_copy_with_a_warning()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("robots.txt", "from the release");
        EngineDeploy.Deploy(server, root, source.Path, shared: ["uploads/"]);
        server.RunAsUser($"echo photo > '{root}/current/uploads/cat.jpg' && echo shared > '{root}/shared/robots.txt'");

        source.Write("app.dll", "v2");
        var log = new RecordingLog();
        var second = EngineDeploy.Deploy(server, root, source.Path, log, shared: ["uploads/"]);

        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{second}", tree.CurrentLink);
        Assert.AreEqual("photo\n", tree.CurrentFile("uploads/cat.jpg"), "uploads written through the link live in shared/ and stay");
        Assert.AreEqual("from the release", tree.CurrentFile("robots.txt"));
        Assert.IsTrue(log.Warnings.Any(w => w.Code == ErrorCodes.SharedConflict && w.Message.Contains("robots.txt", StringComparison.Ordinal)));
    }
}
