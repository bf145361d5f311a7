using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// <c>AtomicDeployRollout</c> and <c>AtomicDeployBatchSize</c>: how the hosts are cut into batches,
/// and bad values refused as coded errors by the settings' parse, before any host is contacted.
/// </summary>
[TestClass]
public sealed class RolloutBatchSizeTests
{
    [TestMethod]
    [DataRow(null, 4, new[] { 4 })]
    [DataRow("2", 4, new[] { 2, 2 })]
    [DataRow("3", 4, new[] { 3, 1 })]
    [DataRow("10", 4, new[] { 4 })]
    [DataRow("25%", 4, new[] { 1, 1, 1, 1 })]
    [DataRow("50%", 4, new[] { 2, 2 })]
    [DataRow("30%", 4, new[] { 2, 2 })]
    [DataRow("1%", 4, new[] { 1, 1, 1, 1 })]
    [DataRow("100%", 4, new[] { 4 })]
    [DataRow("34%", 3, new[] { 2, 1 })]
    [DataRow(" 50 % ", 5, new[] { 3, 2 })]
    [DataRow("2", 1, new[] { 1 })]
    public void Rolling_cuts_the_hosts_in_their_order_into_batches_of_the_size_or_percentage_rounded_up(string? size, int hosts, int[] expected)
    {
        var rollout = RolloutSettings.Parse("rolling", size, new RecordingLog());
        var names = Enumerable.Range(1, hosts).Select(i => $"web{i}").ToArray();

        var batches = rollout.Batches(names);

        CollectionAssert.AreEqual(size is null ? Enumerable.Repeat(1, hosts).ToArray() : expected, batches.Select(b => b.Count).ToArray());
        CollectionAssert.AreEqual(names, batches.SelectMany(b => b).ToArray(), "every host once, in the order given");
    }

    [TestMethod]
    [DataRow(null)]
    [DataRow("")]
    [DataRow("all")]
    [DataRow(" ALL ")]
    public void All_is_the_default_and_switches_every_host_in_one_batch(string? mode)
    {
        var log = new RecordingLog();
        var rollout = RolloutSettings.Parse(mode, null, log);

        Assert.AreEqual(RolloutMode.All, rollout.Mode);
        Assert.HasCount(1, rollout.Batches(new[] { "a", "b", "c" }));
        Assert.IsEmpty(log.Warnings);
    }

    [TestMethod]
    public void A_batch_size_without_rolling_warns_that_it_does_nothing_and_every_host_switches_at_once()
    {
        var log = new RecordingLog();

        var rollout = RolloutSettings.Parse(null, "2", log);

        Assert.AreEqual(RolloutMode.All, rollout.Mode);
        Assert.HasCount(1, rollout.Batches(new[] { "a", "b", "c", "d" }));
        var warning = log.Warnings.Single();
        Assert.AreEqual(ErrorCodes.BatchSizeWithoutRolling, warning.Code);
        StringAssert.Contains(warning.Message, "Set AtomicDeployRollout=rolling");
    }

    [TestMethod]
    [DataRow("rolling", "0", ErrorCodes.BatchSizeInvalid)]
    [DataRow("rolling", "-1", ErrorCodes.BatchSizeInvalid)]
    [DataRow("rolling", "two", ErrorCodes.BatchSizeInvalid)]
    [DataRow("rolling", "0%", ErrorCodes.BatchSizeInvalid)]
    [DataRow("rolling", "101%", ErrorCodes.BatchSizeInvalid)]
    [DataRow("rolling", "12.5%", ErrorCodes.BatchSizeInvalid)]
    [DataRow("rolling", "%", ErrorCodes.BatchSizeInvalid)]
    [DataRow(null, "0", ErrorCodes.BatchSizeInvalid)]
    [DataRow("canary", null, ErrorCodes.RolloutInvalid)]
    [DataRow("roling", "2", ErrorCodes.RolloutInvalid)]
    public void A_bad_rollout_or_batch_size_is_a_coded_error_of_the_settings(string? mode, string? size, string code)
    {
        var inputs = new DeployInputs { Host = "web1;web2", DeployPath = "/srv/app", Rollout = mode, BatchSize = size, Operation = DeployOperation.Plan };

        var failure = Assert.ThrowsExactly<DeployException>(() => DeploySettings.Parse(inputs, "/nonexistent-home", new RecordingLog()));

        Assert.AreEqual(code, failure.Code, failure.Message);
        StringAssert.Contains(failure.Message, code == ErrorCodes.RolloutInvalid ? "AtomicDeployRollout is" : "AtomicDeployBatchSize is");
    }

    [TestMethod]
    [DataRow(null, null, true)]
    [DataRow("http://127.0.0.1:5000/health", null, false)]
    [DataRow(null, "http://127.0.0.1:5000/health", false)]
    public void A_rolling_deploy_without_any_health_check_warns_that_nothing_gates_its_batches(string? property, string? onOneHost, bool warns)
    {
        var log = new RecordingLog();
        var inputs = new DeployInputs
        {
            DeployPath = "/srv/app",
            Rollout = "rolling",
            HealthCheckUrl = property,
            HostItems = [Host("web1", null), Host("web2", onOneHost)],
            Operation = DeployOperation.Plan,
        };

        DeploySettings.Parse(inputs, "/nonexistent-home", log);

        CollectionAssert.AreEqual(warns ? new[] { ErrorCodes.RolloutWithoutHealthCheck } : Array.Empty<string>(), log.Warnings.Select(w => w.Code).ToArray());
    }

    [TestMethod]
    public void The_settings_carry_the_rollout_for_a_deploy()
    {
        var inputs = new DeployInputs { Host = "web1;web2;web3", DeployPath = "/srv/app", Rollout = "Rolling", BatchSize = "50%", Operation = DeployOperation.Plan };

        var settings = DeploySettings.Parse(inputs, "/nonexistent-home", new RecordingLog());

        Assert.AreEqual(RolloutMode.Rolling, settings.Rollout.Mode);
        Assert.AreEqual(2, settings.Rollout.BatchSize(settings.Hosts.Count));
    }

    private static SettingsItem Host(string name, string? healthUrl) =>
        new(name, healthUrl is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["HealthCheckUrl"] = healthUrl });
}
