using System.Globalization;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.History;
using AtomicDeploy.Core.Operations;

namespace AtomicDeploy.Tests.Fleet;

/// <summary>
/// <c>AtomicDeployRollout=rolling</c> through the engine on real sshd hosts: the batches switch one
/// after the other, each only after the one before passed its health check; a failing batch is
/// switched back, the batches before it stay on the new release, the ones after it never switch.
/// </summary>
[TestClass]
public sealed class RollingDeployOverSsh
{
    [TestMethod]
    public void Batch_two_switches_only_after_batch_one_passed_its_health_check_and_the_closing_line_names_the_batches()
    {
        using var fleet = StartFleet(4);
        using var first = new TestWebServer(200, "ok");
        using var second = new TestWebServer(200, "ok");
        using var source = new SourceFolder().Write("app.dll", "v1");
        var allLog = new RecordingLog();
        var live = Deploy(fleet, source.Path, RolloutSettings.All, null, allLog);
        source.Write("app.dll", "v2");
        var log = new RecordingLog();

        // Each batch checks its own health URL, and the first answers 503 twice, so batch one's check takes a while.
        // Every host's before-switch command and the run-once command (on the last host) write when they ran.
        first.StartingRequests = 2;
        var once = OnceSettings.Parse(new DeployInputs { OnceCommand = "date +%s%3N > \"$ATOMICDEPLOY_PATH/once.ms\"", OnceRole = "last" }, TimeSpan.FromMinutes(1), fleet.Settings(null).Hosts.Select((h, i) => h with { Role = i == 3 ? "last" : null }).ToArray(), _ => null);
        var release = Deploy(fleet, source.Path, RolloutSettings.Parse("rolling", "2", log), i => Hooks(i < 2 ? first.Url : second.Url), log, once: once);

        var trees = fleet.Servers.Select(s => new RemoteTree(SshFleet.RootOn(s))).ToArray();
        foreach (var (tree, server) in trees.Zip(fleet.Servers))
        {
            Assert.AreEqual($"releases/{release}", tree.CurrentLink, server.HostSpec);
            Assert.AreEqual("v2", tree.CurrentFile("app.dll"));
        }

        // The second batch's switch is recorded (just before its rename) after the first batch's last health answer.
        var batchOneHealthy = first.AnsweredAt.Max();
        var batchTwoSwitched = trees.Skip(2).Select(t => SwitchTime(t, release)).Min();
        Assert.IsGreaterThan(batchOneHealthy, batchTwoSwitched, $"batch 2 switched at {batchTwoSwitched:O}, batch 1 answered at {batchOneHealthy:O}");
        Assert.IsLessThan(second.AnsweredAt.Min(), trees.Take(2).Select(t => SwitchTime(t, release)).Max(), "batch 1 switched before batch 2 was checked");
        var ranAt = trees.Select(t => Milliseconds(t, "after-switch.ms")).ToArray();
        Assert.IsGreaterThan(ranAt.Take(2).Max(), ranAt.Skip(2).Min(), "batch 2's after-switch commands ran after batch 1's");

        // Every before-switch command and the run-once command ran before the canary switched.
        var firstSwitch = new DateTimeOffset(trees.Take(2).Select(t => SwitchTime(t, release)).Min()).ToUnixTimeMilliseconds();
        Assert.IsLessThanOrEqualTo(firstSwitch, trees.Select(t => Milliseconds(t, "before-switch.ms")).Max());
        Assert.IsLessThanOrEqualTo(firstSwitch, Milliseconds(trees[3], "once.ms"), "the run-once command ran before any batch, though its host is in the last");
        Assert.IsFalse(trees.Take(3).Any(t => File.Exists(Path.Combine(t.Root, "once.ms"))), "only its host ran it");

        var all = string.Join('\n', log.Lines);
        var names = fleet.Servers.Select(s => s.HostSpec).ToArray();
        CollectionAssert.Contains(log.Lines, $"AtomicDeploy: rolling deploy of release {release} in 2 batches: 1 (the canary): {names[0]}, {names[1]}; 2: {names[2]}, {names[3]}.", all);
        CollectionAssert.Contains(log.Lines, $"AtomicDeploy: batch 1 of 2 (the canary) passed on {names[0]}, {names[1]}; batch 2 of 2 starts.", all);
        var closing = log.Lines.Single(l => l.StartsWith("AtomicDeploy: deployed release", StringComparison.Ordinal));
        var spread = System.Text.RegularExpressions.Regex.Match(closing, $@"^AtomicDeploy: deployed release {release} to {fleet.Root} on 4 hosts in 2 batches, (\d+) ms from the first switch to the last \(0 added, 1 changed, 0 removed, .* sent\) in \d+\.\d\d s\.$");
        Assert.IsTrue(spread.Success, closing);
        Assert.IsGreaterThanOrEqualTo((batchTwoSwitched - first.AnsweredAt.Min()).TotalMilliseconds - 5, int.Parse(spread.Groups[1].Value, CultureInfo.InvariantCulture), "the spread covers batch one's checks");
        Assert.IsGreaterThan(log.Lines.FindLastIndex(l => l.StartsWith("AtomicDeploy: [", StringComparison.Ordinal) && l.EndsWith(": deployed.", StringComparison.Ordinal)), log.Lines.IndexOf(closing), "the fleet's line comes after the hosts' lines");

        // All at once is one batch.
        StringAssert.Matches(allLog.Lines.Single(l => l.StartsWith("AtomicDeploy: deployed release", StringComparison.Ordinal)), new System.Text.RegularExpressions.Regex($@"^AtomicDeploy: deployed release {live} to .* on 4 hosts in 1 batch, \d+ ms from the first switch to the last \("));
    }

    [TestMethod]
    public void A_second_batch_failing_its_health_check_is_switched_back_while_the_first_stays_on_the_new_release()
    {
        using var fleet = StartFleet(4);
        using var healthy = new TestWebServer(200, "ok");
        using var sick = new TestWebServer(500, "down");
        using var source = new SourceFolder().Write("app.dll", "v0");
        var oldest = Deploy(fleet, source.Path, RolloutSettings.All, null, new RecordingLog());
        source.Write("app.dll", "v1");
        var live = Deploy(fleet, source.Path, RolloutSettings.All, null, new RecordingLog());
        source.Write("app.dll", "v2");
        var log = new RecordingLog();

        // Keep 1: a good deploy would prune the oldest release; a stopped rollout prunes nothing.
        var failure = Assert.ThrowsExactly<DeployException>(() => Deploy(fleet, source.Path, RolloutSettings.Parse("rolling", "2", log), i => Hooks(i < 2 ? healthy.Url : sick.Url), log, keep: 1));

        var s = fleet.Servers;
        var trees = s.Select(server => new RemoteTree(SshFleet.RootOn(server))).ToArray();
        var release = trees[0].Releases.Last();
        Assert.AreEqual(ErrorCodes.RolloutBatchFailed, failure.Code, failure.Message);
        StringAssert.StartsWith(failure.Message, $"The rolling deploy of release {release} stopped at batch 2 of 2 ({s[2].HostSpec}, {s[3].HostSpec}): [{s[2].HostSpec}] {ErrorCodes.HealthCheckFailed}: The health check of release {release}");
        StringAssert.Contains(failure.Message, $"[{s[3].HostSpec}] ");
        StringAssert.Contains(failure.Message, $"The hosts of the batches before stay on release {release}: {s[0].HostSpec}, {s[1].HostSpec}; there was no later batch.");
        for (var i = 0; i < 4; i++)
        {
            var tree = trees[i];
            Assert.IsFalse(Directory.Exists(Path.Combine(tree.Root, ".atomicdeploy", "lock")), $"lock released on {s[i].HostSpec}");
            CollectionAssert.AreEqual(new[] { oldest, live, release }, tree.Releases, $"nothing pruned on {s[i].HostSpec}");
            if (i < 2)
            {
                Assert.AreEqual($"releases/{release}", tree.CurrentLink, s[i].HostSpec);
                Assert.AreEqual("v2", tree.CurrentFile("app.dll"));
                StringAssert.Contains(tree.HistoryLines[^1], "\"outcome\":\"success\"");
                Assert.IsTrue(log.Lines.Any(l => l.StartsWith($"AtomicDeploy: [{s[i].HostSpec}] release {release}: ", StringComparison.Ordinal) && l.EndsWith(": deployed in batch 1 of 2; the rollout stopped at batch 2, nothing pruned.", StringComparison.Ordinal)), string.Join('\n', log.Lines));
            }
            else
            {
                // Switched back, as an all-at-once deploy's failing check does: the failed release stays, recorded as failed.
                Assert.AreEqual($"releases/{live}", tree.CurrentLink, s[i].HostSpec);
                Assert.AreEqual("v1", tree.CurrentFile("app.dll"));
                StringAssert.Contains(tree.HistoryLines[^2], "\"outcome\":\"failed\"");
                StringAssert.Contains(tree.HistoryLines[^1], "\"event\":\"rollback\"");
            }
        }

        Assert.AreEqual(2, healthy.Requests, "batch one was checked once per host");
        CollectionAssert.Contains(log.Lines, $"AtomicDeploy: the rolling deploy stopped at batch 2 of 2, which was switched back ({s[2].HostSpec}, {s[3].HostSpec}). The hosts of the batches before stay on release {release}: {s[0].HostSpec}, {s[1].HostSpec}; there was no later batch.");
    }

    [TestMethod]
    public void A_failing_canary_is_switched_back_and_the_later_batches_never_switch_and_keep_no_half_made_release()
    {
        using var fleet = StartFleet(3);
        using var healthy = new TestWebServer(200, "ok");
        using var sick = new TestWebServer(500, "down");
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = Deploy(fleet, source.Path, RolloutSettings.All, null, new RecordingLog());
        source.Write("app.dll", "v2");
        var log = new RecordingLog();

        // Rolling without a batch size: one host at a time.
        var failure = Assert.ThrowsExactly<DeployException>(() => Deploy(fleet, source.Path, RolloutSettings.Parse("rolling", null, log), i => Hooks(i == 0 ? sick.Url : healthy.Url), log));

        var s = fleet.Servers;
        Assert.AreEqual(ErrorCodes.RolloutBatchFailed, failure.Code, failure.Message);
        StringAssert.Contains(failure.Message, $"stopped at batch 1 of 3 (the canary) ({s[0].HostSpec}): [{s[0].HostSpec}] {ErrorCodes.HealthCheckFailed}: ");
        StringAssert.Contains(failure.Message, $"No host is on the new release (the canary failed); the hosts of the later batches never switched and their half-made release is removed: {s[1].HostSpec}, {s[2].HostSpec}.");
        Assert.AreEqual(0, healthy.Requests, "no later batch was checked");
        var canary = new RemoteTree(SshFleet.RootOn(s[0]));
        Assert.AreEqual($"releases/{live}", canary.CurrentLink);
        StringAssert.Contains(canary.HistoryLines[^1], "\"event\":\"rollback\"");
        foreach (var server in s.Skip(1))
        {
            var tree = new RemoteTree(SshFleet.RootOn(server));
            Assert.AreEqual($"releases/{live}", tree.CurrentLink, server.HostSpec);
            Assert.AreEqual("v1", tree.CurrentFile("app.dll"));
            CollectionAssert.AreEqual(new[] { live }, tree.Releases, $"no half-made release on {server.HostSpec}");
            StringAssert.Contains(tree.HistoryLines[^1], "\"outcome\":\"failed\"");
            StringAssert.Contains(tree.HistoryLines[^1], $"\"error\":\"{ErrorCodes.RolloutBatchFailed}\"");
            Assert.IsTrue(log.Lines.Any(l => l.StartsWith($"AtomicDeploy: [{server.HostSpec}] release ", StringComparison.Ordinal) && l.EndsWith($": not switched ({ErrorCodes.RolloutBatchFailed}: an earlier batch failed).", StringComparison.Ordinal)), string.Join('\n', log.Lines));
        }
    }

    [TestMethod]
    public void The_dry_run_names_the_batches_and_the_host_that_would_run_once()
    {
        using var fleet = StartFleet(3);
        using var source = new SourceFolder().Write("app.dll", "v1");
        Deploy(fleet, source.Path, RolloutSettings.All, null, new RecordingLog());
        source.Write("app.dll", "v2");
        var log = new RecordingLog();
        var settings = fleet.Settings(source.Path) with { Rollout = RolloutSettings.Parse("rolling", "50%", log) };
        var once = OnceSettings.Parse(new DeployInputs { OnceCommand = "./efbundle --connection \"$DB\"", OnceEnvironment = "DB", Operation = DeployOperation.Plan }, TimeSpan.FromMinutes(1), settings.Hosts, _ => null);
        var before = fleet.Servers.Select(server => RemoteTree.Snapshot(SshFleet.RootOn(server))).ToArray();

        using (var deployment = Deployment.Open(settings with { Once = once }, log, t => EngineDeploy.Connect(t.Ssh!)))
        {
            DryRun.Run(deployment, CancellationToken.None);
        }

        var s = fleet.Servers;
        var all = string.Join('\n', log.Lines);
        CollectionAssert.Contains(log.Lines, $"AtomicDeploy (dry run): rolling: would switch in 2 batches of up to 2 hosts (rolling, 50% per batch), each only after the one before passed its after-switch commands and health checks: 1 (the canary): {s[0].HostSpec}, {s[1].HostSpec}; 2: {s[2].HostSpec}.", all);
        // The first host runs it (no AtomicDeployOnceRole), and only its section says so.
        var runOnce = log.Lines.Where(l => l.Contains("would run once", StringComparison.Ordinal)).ToArray();
        CollectionAssert.AreEqual(new[] { $"[{s[0].HostSpec}]   would run once, on this host only, before any host switches: ./efbundle --connection \"$DB\" (given DB from the build's environment)" }, runOnce, all);
        for (var i = 0; i < s.Count; i++)
        {
            CollectionAssert.AreEqual(before[i], RemoteTree.Snapshot(SshFleet.RootOn(s[i])), "a dry run changes nothing");
        }
    }

    private static string Deploy(SshFleet fleet, string source, RolloutSettings rollout, Func<int, SwitchHookSettings?>? hostHooks, RecordingLog log, int keep = 3, OnceSettings? once = null)
    {
        var settings = fleet.Settings(source, hostHooks: hostHooks) with { Rollout = rollout, Keep = keep, Once = once };
        using var deployment = Deployment.Open(settings, log, t => EngineDeploy.Connect(t.Ssh!));
        return deployment.Run(DateTime.UtcNow, CancellationToken.None);
    }

    /// <summary>The host's health URL, and before- and after-switch commands that write when they ran (ms since the epoch).</summary>
    private static SwitchHookSettings Hooks(string healthUrl) =>
        CheckedDeploy.Hooks(before: "date +%s%3N > \"$ATOMICDEPLOY_PATH/before-switch.ms\"", after: "date +%s%3N > \"$ATOMICDEPLOY_PATH/after-switch.ms\"", healthUrl: healthUrl, healthSeconds: 3);

    private static long Milliseconds(RemoteTree tree, string file) => long.Parse(File.ReadAllText(Path.Combine(tree.Root, file)).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The time the host's history recorded the switch to <paramref name="release"/> (written just before the rename).</summary>
    private static DateTime SwitchTime(RemoteTree tree, string release) =>
        tree.HistoryLines.Select(DeployRecord.TryParse).Single(r => r is { Event: "deploy", Outcome: "success" } && r.Release == release)!.Time.ToUniversalTime();

    private static SshFleet StartFleet(int hosts)
    {
        SshFleet.RequireRoot();

        return new SshFleet(hosts);
    }
}
