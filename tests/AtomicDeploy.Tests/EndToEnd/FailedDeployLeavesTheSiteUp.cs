using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>A publish whose deploy fails before the switch fails the build with a code and leaves the live site as it was.</summary>
[TestClass]
public sealed class FailedDeployLeavesTheSiteUp
{
    [TestMethod]
    public void A_deploy_failing_during_upload_fails_the_build_and_current_stays()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var app = new WebApp();
        var properties = WebApp.ServerProperties(server, root);
        Assert.AreEqual(0, app.Publish(properties).ExitCode);
        var tree = new RemoteTree(root);
        var live = tree.Releases.Single();
        var before = RemoteTree.Snapshot(Path.Combine(root, "releases"));

        server.RunAsUser($"chmod 555 '{root}/.atomicdeploy/manifests'");
        app.Write("wwwroot/index.html", "<h1>never live</h1>");
        var failed = app.Publish(properties);
        server.RunAsUser($"chmod 755 '{root}/.atomicdeploy/manifests'");

        Assert.AreNotEqual(0, failed.ExitCode);
        StringAssert.Contains(failed.Output, $"error {ErrorCodes.RemoteFailed}");
        Assert.AreEqual($"releases/{live}", tree.CurrentLink);
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(Path.Combine(root, "releases")), "no half-made release is left");
        Assert.IsFalse(Directory.Exists(Path.Combine(root, ".atomicdeploy", "lock")));

        var retry = app.Publish(properties);
        Assert.AreEqual(0, retry.ExitCode, retry.All);
        Assert.AreEqual("<h1>never live</h1>", tree.CurrentFile("wwwroot/index.html"));
    }
}
