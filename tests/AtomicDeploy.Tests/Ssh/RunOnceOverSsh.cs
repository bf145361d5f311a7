using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>The run-once command over SSH: its variables arrive byte for byte, it runs after the before-switch command, and a timeout switches nothing.</summary>
[TestClass]
public sealed class RunOnceOverSsh
{
    [TestMethod]
    public void Its_variables_arrive_exactly_as_the_build_has_them_and_it_runs_after_the_before_switch_command()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var values = new Dictionary<string, string>
        {
            ["A"] = "line one\nline two\n\n",
            ["B"] = "it's \"$HOME\" `id` $(id) \\ ü ;|&",
            ["C"] = string.Empty,
        };
        var command = "for v in A B C; do eval \"printf '%s' \\\"\\$$v\\\"\" > \"$ATOMICDEPLOY_PATH/shared/$v\"; done; echo once >> \"$ATOMICDEPLOY_PATH/shared/order\"";
        var log = new RecordingLog();

        var release = Deploy(server, root, source.Path, command, "A;B;C", values, log);

        foreach (var (name, value) in values)
        {
            Assert.AreEqual(value, File.ReadAllText(Path.Combine(root, "shared", name)), name);
        }

        CollectionAssert.AreEqual(new[] { "before", "once" }, File.ReadAllLines(Path.Combine(root, "shared", "order")));
        Assert.AreEqual($"releases/{release}", new RemoteTree(root).CurrentLink);
        Assert.IsFalse(log.Lines.Any(l => l.Contains("line two", StringComparison.Ordinal) || l.Contains("`id`", StringComparison.Ordinal)), string.Join('\n', log.Lines));
    }

    [TestMethod]
    public void A_command_that_runs_out_of_time_is_stopped_and_switches_nothing()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = Deploy(server, root, source.Path, "true", null, [], new RecordingLog());
        source.Write("app.dll", "v2");

        var failure = Assert.ThrowsExactly<DeployException>(() => Deploy(server, root, source.Path, "sleep 30", null, [], new RecordingLog(), timeout: "1"));

        Assert.AreEqual(ErrorCodes.OnceFailed, failure.Code, failure.Message);
        StringAssert.Contains(failure.Message, "The run-once command did not finish within 1 s");
        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{live}", tree.CurrentLink);
        CollectionAssert.AreEqual(new[] { live }, tree.Releases, "the half-made release is removed");
    }

    private static string Deploy(SshServer server, string root, string source, string command, string? names, Dictionary<string, string> values, RecordingLog log, string? timeout = null)
    {
        var target = new DeployTarget(server.HostSpec, null);
        var once = OnceSettings.Parse(new DeployInputs { OnceCommand = command, OnceEnvironment = names, OnceTimeout = timeout }, TimeSpan.FromSeconds(60), [target], name => values.GetValueOrDefault(name));
        var settings = EngineDeploy.Deploy(root, source, hooks: CheckedDeploy.Hooks(before: "echo before >> \"$ATOMICDEPLOY_PATH/shared/order\"")) with { Once = once };
        using var deployment = EngineDeploy.Open(EngineDeploy.Connect(EngineDeploy.Settings(server)), settings, log);
        return deployment.Run(DateTime.UtcNow, CancellationToken.None);
    }
}
