using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>The app planted shared/config -> a folder outside the deploy folder: the deploy over SSH refuses, creating nothing there.</summary>
[TestClass]
public sealed class SharedPathThroughALink
{
    [TestMethod]
    public void A_declared_shared_path_through_a_planted_link_is_refused_with_its_code_and_nothing_is_created_outside()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        var outside = Path.Combine(Path.GetDirectoryName(root)!, "outside");
        server.RunAsUser($"mkdir '{outside}' && ln -s '{outside}' '{root}/shared/config'");

        source.Write("app.dll", "v2");
        var failure = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Deploy(server, root, source.Path, shared: ["config/appsettings.json", "config/keys/"]));

        Assert.AreEqual(ErrorCodes.SharedPathThroughLink, failure.Code);
        StringAssert.Contains(failure.Message, $"shared/config is a symbolic link (to {outside})");
        Assert.IsEmpty(Directory.GetFileSystemEntries(outside), "nothing was created through the link");
        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{live}", tree.CurrentLink, "the live release stays");
        CollectionAssert.AreEqual(new[] { live }, tree.Releases, "the half-made release was removed");
    }
}
