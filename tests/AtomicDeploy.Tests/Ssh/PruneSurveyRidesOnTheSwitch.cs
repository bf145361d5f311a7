using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Issue 18 (round trips): the prune's survey (history, processes running from a release) runs at
/// the end of the switch script, so after the switch the prune costs one script, the deletion; and
/// what the survey found still decides, e.g. a process running from an old release keeps it.
/// </summary>
[TestClass]
public sealed class PruneSurveyRidesOnTheSwitch
{
    [TestMethod]
    public void After_the_switch_the_prune_runs_one_script_and_still_keeps_a_release_a_process_runs_from()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder();
        foreach (var version in new[] { "one", "two", "three" })
        {
            source.Write("index.html", version);
            EngineDeploy.Deploy(server, root, source.Path, keep: 1);
        }

        // A process of the deploy user runs from the oldest release left (the one live before the last deploy is kept anyway).
        var tree = new RemoteTree(root);
        var oldest = tree.Releases[0];
        server.RunAsUser($"cd '{tree.ReleasePath(oldest)}' && (setsid sleep 60 > /dev/null 2>&1 < /dev/null &)");
        Wait.Until(() => ProcessRunner.Run("pgrep", ["-u", server.User, "-f", "sleep 60"]).ExitCode == 0, TimeSpan.FromSeconds(5), "the process to start");
        try
        {
            source.Write("index.html", "four");
            using var counting = new CountingShell(EngineDeploy.Connect(EngineDeploy.Settings(server)));
            var log = new RecordingLog();

            var release = EngineDeploy.Deploy(counting, root, source.Path, log, keep: 1);

            var switchAt = counting.Scripts.FindIndex(s => s.Contains(PruneScripts.SurveyMarker, StringComparison.Ordinal));
            Assert.IsGreaterThanOrEqualTo(0, switchAt, "the switch script carries the survey");
            var after = counting.Scripts.Skip(switchAt + 1).ToArray();
            Assert.HasCount(1, after, "the deletion only");
            StringAssert.Contains(after[0], PruneScripts.TrashFolder);
            Assert.AreEqual(1, counting.Scripts.Count(s => s.Contains("/proc/[0-9]*/maps", StringComparison.Ordinal)), "one survey");
            Assert.Contains(oldest, new RemoteTree(root).Releases, string.Join("\n", log.Lines));
            Assert.IsTrue(log.Lines.Any(l => l.Contains($"release {oldest} is kept: process", StringComparison.Ordinal)), string.Join("\n", log.Lines));
            Assert.AreEqual($"releases/{release}", new RemoteTree(root).CurrentLink);
        }
        finally
        {
            ProcessRunner.Run("pkill", ["-u", server.User, "-f", "sleep 60"]);
        }

        // With the process gone, the next deploy prunes it (keep 1, and the one live before it).
        Wait.Until(() => ProcessRunner.Run("pgrep", ["-u", server.User, "-f", "sleep 60"]).ExitCode != 0, TimeSpan.FromSeconds(5), "the process to end");
        source.Write("index.html", "five");
        var last = EngineDeploy.Deploy(server, root, source.Path, keep: 1);
        Assert.DoesNotContain(oldest, new RemoteTree(root).Releases);
        Assert.HasCount(2, new RemoteTree(root).Releases);
        Assert.AreEqual($"releases/{last}", new RemoteTree(root).CurrentLink);
    }

    /// <summary>An open shell that records every script it runs, in order.</summary>
    private sealed class CountingShell(IRemoteShell inner) : IRemoteShell
    {
        public List<string> Scripts { get; } = [];

        public string Name => inner.Name;

        public ShellResult Run(string script, Action<Stream>? writeInput, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Scripts.Add(script);
            return inner.Run(script, writeInput, timeout, cancellationToken);
        }

        public RemoteProcess Start(string script) => inner.Start(script);

        public void Dispose() => inner.Dispose();
    }
}
