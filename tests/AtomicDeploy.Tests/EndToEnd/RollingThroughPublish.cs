using AtomicDeploy.Core;
using AtomicDeploy.Core.History;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// <c>AtomicDeployRollout=rolling</c> with <c>AtomicDeployBatchSize=50%</c> through <c>dotnet publish</c>
/// on four real sshd hosts whose health URLs come from their <c>AtomicDeployHost</c> metadata: a bad
/// batch size is refused before any host is contacted, a batch size without rolling only warns, a good
/// rollout switches the second batch after the first passed, and a second batch that fails its health
/// check is switched back while the first stays on the new release (AD0750).
/// </summary>
[TestClass]
public sealed class RollingThroughPublish
{
    [TestMethod]
    public void Two_batches_switch_in_turn_and_a_failing_second_batch_stops_the_rollout_with_the_first_on_the_new_release()
    {
        SshFleet.RequireRoot();

        using var fleet = new SshFleet(4);
        using var app = new WebApp();
        using var front = new TestWebServer(200, "front ok");
        using var back = new TestWebServer(200, "back ok");
        var s = fleet.Servers;
        app.Write("Directory.Build.props", $"""
            <Project>
              <PropertyGroup>
                <AtomicDeployHealthCheckTimeout>3</AtomicDeployHealthCheckTimeout>
              </PropertyGroup>
              <ItemGroup>
                <AtomicDeployHost Include="127.0.0.1" Port="{s[0].Port}" User="{s[0].User}" HealthCheckUrl="{front.Url}" />
                <AtomicDeployHost Include="127.0.0.1" Port="{s[1].Port}" User="{s[1].User}" HealthCheckUrl="{front.Url}" />
                <AtomicDeployHost Include="127.0.0.1" Port="{s[2].Port}" User="{s[2].User}" HealthCheckUrl="{back.Url}" />
                <AtomicDeployHost Include="127.0.0.1" Port="{s[3].Port}" User="{s[3].User}" HealthCheckUrl="{back.Url}" />
              </ItemGroup>
            </Project>
            """);
        string[] connection =
        [
            "AtomicDeploy=true",
            $"AtomicDeployPath={fleet.Root}",
            $"AtomicDeployPrivateKeyFile={fleet.ClientKeyFile}",
            $"AtomicDeployKnownHostsFile={fleet.KnownHostsFile}",
        ];
        string[] rolling = [.. connection, "AtomicDeployRollout=rolling", "AtomicDeployBatchSize=50%"];
        var trees = s.Select(server => new RemoteTree(SshFleet.RootOn(server))).ToArray();

        var bad = app.Publish([.. connection, "AtomicDeployRollout=rolling", "AtomicDeployBatchSize=0"]);

        Assert.AreNotEqual(0, bad.ExitCode, bad.All);
        StringAssert.Contains(bad.Output, $"error {ErrorCodes.BatchSizeInvalid}: AtomicDeployBatchSize is '0'");
        Assert.IsTrue(s.All(server => server.AcceptedLogins == 0), "no host was contacted");

        // A batch size without rolling: a warning, and every host switches at once.
        var first = app.Publish([.. connection, "AtomicDeployBatchSize=50%"]);

        Assert.AreEqual(0, first.ExitCode, first.All);
        StringAssert.Contains(first.Output, $"warning {ErrorCodes.BatchSizeWithoutRolling}: AtomicDeployBatchSize is '50%', but AtomicDeployRollout is not rolling");
        var release1 = trees[0].Releases.Single();
        StringAssert.Contains(first.Output, $"AtomicDeploy: deployed release {release1} to {fleet.Root} on 4 hosts in 1 batch, ");

        app.Write("wwwroot/index.html", "<h1>two</h1>");
        var second = app.Publish(rolling);

        Assert.AreEqual(0, second.ExitCode, second.All);
        var release2 = trees[0].Releases.Last();
        Assert.AreNotEqual(release1, release2);
        foreach (var (tree, server) in trees.Zip(s))
        {
            Assert.AreEqual($"releases/{release2}", tree.CurrentLink, server.HostSpec);
            StringAssert.Contains(tree.CurrentFile("wwwroot/index.html"), "two");
        }

        var frontLastAnswer = front.AnsweredAt.Max();
        foreach (var tree in trees.Skip(2))
        {
            Assert.IsGreaterThan(frontLastAnswer, SwitchTime(tree, release2), "the second batch switched after the first batch's health checks answered");
        }

        StringAssert.Contains(second.Output, $"AtomicDeploy: batch 1 of 2 (the canary) passed on {s[0].HostSpec}, {s[1].HostSpec}; batch 2 of 2 starts.");
        StringAssert.Matches(second.Output, new System.Text.RegularExpressions.Regex($@"AtomicDeploy: deployed release {release2} to {fleet.Root} on 4 hosts in 2 batches, \d+ ms from the first switch to the last \("));

        // The second batch's health URL fails: it is switched back, the first batch keeps the new release.
        back.Status = 500;
        app.Write("wwwroot/index.html", "<h1>three</h1>");
        var third = app.Publish(rolling);

        Assert.AreNotEqual(0, third.ExitCode, third.All);
        var release3 = trees[0].Releases.Last();
        StringAssert.Contains(third.Output, $"error {ErrorCodes.RolloutBatchFailed}: The rolling deploy of release {release3} stopped at batch 2 of 2 ({s[2].HostSpec}, {s[3].HostSpec}): [{s[2].HostSpec}] {ErrorCodes.HealthCheckFailed}: ");
        StringAssert.Contains(third.Output, $"The hosts of the batches before stay on release {release3}: {s[0].HostSpec}, {s[1].HostSpec}");
        for (var i = 0; i < 4; i++)
        {
            var expected = i < 2 ? (release3, "three") : (release2, "two");
            Assert.AreEqual($"releases/{expected.Item1}", trees[i].CurrentLink, s[i].HostSpec);
            StringAssert.Contains(trees[i].CurrentFile("wwwroot/index.html"), expected.Item2);
            Assert.IsFalse(Directory.Exists(Path.Combine(trees[i].Root, ".atomicdeploy", "lock")), $"lock released on {s[i].HostSpec}");
        }

        Assert.DoesNotContain("AtomicDeploy: deployed release", third.Output);
    }

    private static DateTime SwitchTime(RemoteTree tree, string release) =>
        tree.HistoryLines.Select(DeployRecord.TryParse).Single(r => r is { Event: "deploy", Outcome: "success" } && r.Release == release)!.Time.ToUniversalTime();
}
