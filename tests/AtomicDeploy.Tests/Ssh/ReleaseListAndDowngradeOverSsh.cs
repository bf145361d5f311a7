using AtomicDeploy.Core;
using AtomicDeploy.Core.Operations;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>The release list read from the server's history, and the downgrade guard that compares with the live version.</summary>
[TestClass]
public sealed class ReleaseListAndDowngradeOverSsh
{
    [TestMethod]
    public void Releases_are_listed_newest_first_with_live_marker_version_commit_and_outcome()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var first = CheckedDeploy.Deploy(server, root, source.Path, context: CheckedDeploy.Context("1.0.0", "0123456789abcdef0123456789abcdef01234567"));
        source.Write("app.dll", "v2");
        var second = CheckedDeploy.Deploy(server, root, source.Path, context: CheckedDeploy.Context("1.1.0-beta.2", "fedcba9876543210fedcba9876543210fedcba98"));
        source.Write("app.dll", "v3");
        Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Deploy(server, root, source.Path, CheckedDeploy.Hooks(after: "exit 1"), CheckedDeploy.Context("1.2.0")));
        var before = RemoteTree.Snapshot(root);

        var history = CheckedDeploy.History(server, root);
        var table = history.ToTable().ToArray();

        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(root), "listing changes nothing");
        Assert.HasCount(4, table, string.Join('\n', table));
        var third = history.Releases[0].Name;
        StringAssert.Matches(table[1], new System.Text.RegularExpressions.Regex($@"^  {third} +[0-9-]+ [0-9:]+ +1\.2\.0 +- +failed$"));
        StringAssert.Matches(table[2], new System.Text.RegularExpressions.Regex($@"^  {second} +\* +[0-9-]+ [0-9:]+ +1\.1\.0-beta\.2 +fedcba98 +success$"));
        StringAssert.Matches(table[3], new System.Text.RegularExpressions.Regex($@"^  {first} +[0-9-]+ [0-9:]+ +1\.0\.0 +01234567 +success$"));
    }

    [TestMethod]
    public void A_lower_version_than_the_live_one_is_refused_unless_allowed()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        CheckedDeploy.Deploy(server, root, source.Path, context: CheckedDeploy.Context("2.0.0"));
        var history = CheckedDeploy.History(server, root);

        var lower = Assert.ThrowsExactly<DeployException>(() => DowngradeGuard.Check("1.9.9", history, allowDowngrade: false, root));
        var prerelease = Assert.ThrowsExactly<DeployException>(() => DowngradeGuard.Check("2.0.0-rc.1", history, allowDowngrade: false, root));

        Assert.AreEqual(ErrorCodes.Downgrade, lower.Code);
        StringAssert.Contains(lower.Message, "1.9.9 is lower than 2.0.0");
        Assert.AreEqual(ErrorCodes.Downgrade, prerelease.Code);
        DowngradeGuard.Check("1.9.9", history, allowDowngrade: true, root);
        DowngradeGuard.Check("2.0.0+build.7", history, allowDowngrade: false, root);
        DowngradeGuard.Check("2.0.1", history, allowDowngrade: false, root);
        DowngradeGuard.Check(null, history, allowDowngrade: false, root);
    }

    [TestMethod]
    public void A_deploy_of_a_lower_version_is_refused_with_the_server_unchanged_and_the_lock_free()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = CheckedDeploy.Deploy(server, root, source.Path, context: CheckedDeploy.Context("2.0.0"));
        source.Write("app.dll", "v2");
        var before = RemoteTree.Snapshot(root);

        var refused = Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Deploy(server, root, source.Path, context: CheckedDeploy.Context("1.9.9")));

        Assert.AreEqual(ErrorCodes.Downgrade, refused.Code, refused.Message);
        StringAssert.Contains(refused.Message, $"1.9.9 is lower than 2.0.0, the version of the live release {live}");
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(root), "a refused deploy changes nothing");
        var next = CheckedDeploy.Deploy(server, root, source.Path, context: CheckedDeploy.Context("2.0.1"));
        Assert.AreNotEqual(live, next, "the refused deploy left no lock behind");
    }
}
