namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// Issue 19: a <c>dotnet publish</c> in which nothing changed leaves the local target byte for byte
/// as it was and the build succeeds; <c>AtomicDeployForce=true</c> deploys anyway.
/// </summary>
[TestClass]
public sealed class UnchangedPublishLeavesTheTargetAsItIs
{
    [TestMethod]
    public void A_second_identical_publish_changes_nothing_and_Force_deploys_a_new_release()
    {
        using var target = new TempFolder();
        var root = target.Combine("local");
        using var app = new WebApp();
        string[] properties = ["AtomicDeploy=true", $"AtomicDeployPath={root}", "AtomicDeploySharedPaths=App_Data/"];
        var first = app.Publish(properties);
        Assert.AreEqual(0, first.ExitCode, first.All);
        var tree = new RemoteTree(root);
        var live = tree.Releases.Single();
        var before = Ssh.UnchangedDeploysOverSsh.WithoutLockFile(root);

        var again = app.Publish(properties);

        Assert.AreEqual(0, again.ExitCode, again.All);
        StringAssert.Contains(again.Output, $"AtomicDeploy: nothing changed since release {live} on this machine; the server is left as it is");
        CollectionAssert.AreEqual(before, Ssh.UnchangedDeploysOverSsh.WithoutLockFile(root), again.Output);

        var forced = app.Publish([.. properties, "AtomicDeployForce=true"]);

        Assert.AreEqual(0, forced.ExitCode, forced.All);
        Assert.HasCount(2, tree.Releases);
        Assert.AreEqual($"releases/{tree.Releases[^1]}", tree.CurrentLink);
        Assert.HasCount(2, tree.HistoryLines);
    }
}
