using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// One rule for one host and for many: when the switch step fails after its rename (here the pending
/// mark cannot be cleared), the deploy switches every host back to its previous release, records the
/// new one as failed, and fails the build, so a failed build never leaves the new release live.
/// </summary>
[TestClass]
public sealed class FailureRightAfterTheRename
{
    // Run before the switch: on a host marked so, the pending mark of the release can no longer be removed.
    private const string BreakTheStepAfterTheRename =
        "if [ -e \"$ATOMICDEPLOY_PATH/.break-after-rename\" ]; then chmod a-w \"$ATOMICDEPLOY_PATH/.atomicdeploy/pending\"; fi";

    [TestMethod]
    public void One_host_is_switched_back_and_the_new_release_recorded_as_failed()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        server.RunAsUser($"touch '{root}/.break-after-rename'");
        source.Write("app.dll", "v2");
        var log = new RecordingLog();

        var failure = Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Deploy(server, root, source.Path, CheckedDeploy.Hooks(before: BreakTheStepAfterTheRename), log: log));
        server.RunAsUser($"chmod u+w '{root}/.atomicdeploy/pending'");

        AssertSwitchedBack(new RemoteTree(root), live, failure);
        Assert.IsTrue(log.Lines.Any(l => l.Contains("switched back", StringComparison.Ordinal)), string.Join('\n', log.Lines));
    }

    [TestMethod]
    public void A_fleet_host_breaks_the_same_way_and_every_host_is_switched_back()
    {
        SshFleet.RequireRoot();

        using var fleet = new SshFleet(2);
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = fleet.Deploy(source.Path);
        var broken = fleet.Servers[1];
        broken.RunAsUser($"touch '{SshFleet.RootOn(broken)}/.break-after-rename'");
        source.Write("app.dll", "v2");

        var failure = Assert.ThrowsExactly<DeployException>(() => fleet.Deploy(source.Path, CheckedDeploy.Hooks(before: BreakTheStepAfterTheRename)));
        broken.RunAsUser($"chmod u+w '{SshFleet.RootOn(broken)}/.atomicdeploy/pending'");

        StringAssert.Contains(failure.Message, $"[{broken.HostSpec}]");
        foreach (var server in fleet.Servers)
        {
            AssertSwitchedBack(new RemoteTree(SshFleet.RootOn(server)), live, failure);
        }
    }

    private static void AssertSwitchedBack(RemoteTree tree, string live, DeployException failure)
    {
        Assert.AreEqual(ErrorCodes.RemoteFailed, failure.Code, failure.Message);
        Assert.AreEqual($"releases/{live}", tree.CurrentLink, "the previous release is live again");
        Assert.AreEqual("v1", tree.CurrentFile("app.dll"));
        var release = tree.Releases.Last();
        Assert.AreNotEqual(live, release, "the failed release is kept for a look");
        Assert.IsTrue(tree.HistoryLines.Any(l => l.Contains($"\"release\":\"{release}\"", StringComparison.Ordinal) && l.Contains("\"outcome\":\"failed\"", StringComparison.Ordinal)), string.Join('\n', tree.HistoryLines));
        StringAssert.Contains(tree.HistoryLines[^1], "\"event\":\"rollback\"");
    }
}
