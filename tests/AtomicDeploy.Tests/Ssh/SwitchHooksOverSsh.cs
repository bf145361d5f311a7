using System.Text.Json;
using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>The before- and after-switch commands over SSH: where they run, their output, failures and timeouts.</summary>
[TestClass]
public sealed class SwitchHooksOverSsh
{
    [TestMethod]
    public void A_before_switch_command_stops_when_its_deploy_is_gone_and_the_next_deploy_goes_ahead()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        source.Write("app.dll", "v2");
        using var link = new TcpProxy(server.Port);
        using var knownHosts = new TempFolder();
        var shell = EngineDeploy.Connect(ProxiedSsh.Settings(server, link, knownHosts));
        const string Command = "sleep 87";
        var deploy = Task.Run(() =>
        {
            using var deployment = EngineDeploy.Open(shell, EngineDeploy.Deploy(root, source.Path, hooks: CheckedDeploy.Hooks(before: Command, hookSeconds: 120), timeout: CheckedDeploy.Timeout));
            deployment.Run(DateTime.UtcNow, CancellationToken.None);
        });
        try
        {
            Wait.Until(() => ProcessRunner.Run("pgrep", ["-u", server.User, "-f", Command]).ExitCode == 0, TimeSpan.FromSeconds(30), "the before-switch command to start");

            // As when the build is killed: the connection is gone, nothing from the client says goodbye.
            link.Cut();

            Wait.Until(() => ProcessRunner.Run("pgrep", ["-u", server.User, "-f", Command]).ExitCode != 0, TimeSpan.FromSeconds(15), "the before-switch command to be stopped");
        }
        finally
        {
            ProcessRunner.Run("pkill", ["-u", server.User, "-f", Command]);
        }

        Assert.ThrowsExactly<AggregateException>(() => deploy.Wait(TimeSpan.FromSeconds(60)));
        Assert.AreEqual($"releases/{live}", new RemoteTree(root).CurrentLink, "the switch never came");
        var next = EngineDeploy.Deploy(server, root, source.Path);
        Assert.AreEqual($"releases/{next}", new RemoteTree(root).CurrentLink);
        Assert.AreEqual("v2", new RemoteTree(root).CurrentFile("app.dll"));
    }

    [TestMethod]
    public void A_before_switch_command_stops_when_its_deploy_is_cancelled_and_the_live_release_stays()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        source.Write("app.dll", "v2");
        const string Command = "sleep 89";
        using var cancel = new CancellationTokenSource();
        var log = new RecordingLog();
        var deploy = Task.Run(() =>
        {
            // As the tasks do on Ctrl+C: the token is cancelled, and the deploy aborts (Run does).
            using var deployment = EngineDeploy.Open(EngineDeploy.Connect(EngineDeploy.Settings(server)), EngineDeploy.Deploy(root, source.Path, hooks: CheckedDeploy.Hooks(before: Command, hookSeconds: 120), timeout: CheckedDeploy.Timeout), log);
            deployment.Run(DateTime.UtcNow, cancel.Token);
        });
        try
        {
            Wait.Until(() => ProcessRunner.Run("pgrep", ["-u", server.User, "-f", Command]).ExitCode == 0, TimeSpan.FromSeconds(30), "the before-switch command to start");
            cancel.Cancel();
            Wait.Until(() => ProcessRunner.Run("pgrep", ["-u", server.User, "-f", Command]).ExitCode != 0, TimeSpan.FromSeconds(15), "the before-switch command to be stopped");
        }
        finally
        {
            ProcessRunner.Run("pkill", ["-u", server.User, "-f", Command]);
        }

        var error = Assert.ThrowsExactly<AggregateException>(() => deploy.Wait(TimeSpan.FromSeconds(60))).InnerException as DeployException;
        Assert.AreEqual(ErrorCodes.Cancelled, error?.Code, error?.Message);
        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{live}", tree.CurrentLink, "the switch never came");
        CollectionAssert.AreEqual(new[] { live }, tree.Releases, "the half-made release is removed");
        var next = EngineDeploy.Deploy(server, root, source.Path);
        Assert.AreEqual($"releases/{next}", tree.CurrentLink);
    }

    [TestMethod]
    public void Both_commands_run_in_the_new_release_with_their_output_in_the_log()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var log = new RecordingLog();
        var hooks = CheckedDeploy.Hooks(
            before: "pwd -P > \"$ATOMICDEPLOY_PATH/shared/before\"; readlink \"$ATOMICDEPLOY_PATH/current\" >> \"$ATOMICDEPLOY_PATH/shared/before\"; echo checking $ATOMICDEPLOY_RELEASE",
            after: "pwd -P > \"$ATOMICDEPLOY_PATH/shared/after\"; readlink \"$ATOMICDEPLOY_PATH/current\" >> \"$ATOMICDEPLOY_PATH/shared/after\"; echo restarted; echo 'to stderr' >&2");

        var release = CheckedDeploy.Deploy(server, root, source.Path, hooks, log: log);

        var releasePath = ProcessRunner.Check("realpath", Path.Combine(root, "releases", release)).Trim();
        CollectionAssert.AreEqual(new[] { releasePath }, File.ReadAllLines(Path.Combine(root, "shared", "before")), "before the switch, in the new release, with nothing live yet");
        CollectionAssert.AreEqual(new[] { releasePath, $"releases/{release}" }, File.ReadAllLines(Path.Combine(root, "shared", "after")), "after the switch, in the new release");
        CollectionAssert.IsSubsetOf(new[] { $"  [before-switch] checking {release}", "  [after-switch] restarted", "  [after-switch] to stderr" }, log.Lines, string.Join('\n', log.Lines));
    }

    [TestMethod]
    public void A_failing_before_switch_command_aborts_with_nothing_switched()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = CheckedDeploy.Deploy(server, root, source.Path);
        source.Write("app.dll", "v2");

        var failure = Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Deploy(server, root, source.Path, CheckedDeploy.Hooks(before: "echo migrations failed; exit 3")));

        Assert.AreEqual(ErrorCodes.BeforeSwitchFailed, failure.Code);
        StringAssert.Contains(failure.Message, "exit code 3");
        StringAssert.Contains(failure.Message, "migrations failed");
        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{live}", tree.CurrentLink);
        CollectionAssert.AreEqual(new[] { live }, tree.Releases, "the half-made release is removed");
        var record = JsonDocument.Parse(tree.HistoryLines[^1]).RootElement;
        Assert.AreEqual("failed", record.GetProperty("outcome").GetString());
        Assert.AreEqual(ErrorCodes.BeforeSwitchFailed, record.GetProperty("error").GetString());
    }

    [TestMethod]
    public void A_before_switch_command_that_hangs_is_stopped_at_the_hook_timeout()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var failure = Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Deploy(server, root, source.Path, CheckedDeploy.Hooks(before: "sleep 60", hookSeconds: 2)));

        Assert.AreEqual(ErrorCodes.BeforeSwitchFailed, failure.Code);
        StringAssert.Contains(failure.Message, "did not finish within 2 s");
        Assert.IsLessThan(50, clock.Elapsed.TotalSeconds, "the command was stopped, not waited for");
        Assert.IsNull(new RemoteTree(root).CurrentLink);
        Assert.IsEmpty(new RemoteTree(root).Releases);
    }
}
