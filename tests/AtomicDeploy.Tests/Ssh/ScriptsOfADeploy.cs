using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Issue 18 (round trips): after the lock, a deploy with nothing to link is four scripts, each one
/// round trip: the state query (which creates the release), the upload (which then lists shared/
/// for the link step), the switch (which then surveys for the prune) and the deletion, which is
/// left out when there is nothing to delete. What the survey found still decides: a process
/// running from an old release keeps it.
/// </summary>
[TestClass]
public sealed class ScriptsOfADeploy
{
    [TestMethod]
    public void A_first_deploy_is_three_scripts_after_the_lock()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("index.html", "one");
        using var counting = new CountingShell(EngineDeploy.Connect(EngineDeploy.Settings(server)));

        var release = EngineDeploy.Deploy(counting, root, source.Path);

        Assert.HasCount(3, counting.Scripts, "state, upload, switch: nothing to prune, no deletion script\n" + string.Join("\n-----\n", counting.Scripts));
        Assert.AreEqual($"releases/{release}", new RemoteTree(root).CurrentLink);
        Assert.AreEqual("one", new RemoteTree(root).CurrentFile("index.html"));
    }

    [TestMethod]
    public void After_the_lock_a_deploy_is_four_scripts_and_the_prune_still_keeps_a_release_a_process_runs_from()
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
            WaitPastNewest(tree);
            using var counting = new CountingShell(EngineDeploy.Connect(EngineDeploy.Settings(server)));
            var log = new RecordingLog();

            var release = EngineDeploy.Deploy(counting, root, source.Path, log, keep: 1);

            Assert.HasCount(3, counting.Scripts, "the oldest release is in use and the one before is the rollback target: nothing to delete, no deletion script\n" + string.Join("\n-----\n", counting.Scripts));
            StringAssert.Contains(counting.Scripts[1], RemoteScripts.SharedListingMarker, "the upload lists shared/ for the link step");
            StringAssert.Contains(counting.Scripts[2], PruneScripts.SurveyMarker, "the switch surveys for the prune");
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
        WaitPastNewest(new RemoteTree(root));
        using var counted = new CountingShell(EngineDeploy.Connect(EngineDeploy.Settings(server)));
        var last = EngineDeploy.Deploy(counted, root, source.Path, keep: 1);
        Assert.HasCount(4, counted.Scripts, string.Join("\n-----\n", counted.Scripts));
        StringAssert.Contains(counted.Scripts[3], PruneScripts.TrashFolder, "then the deletion only");
        Assert.DoesNotContain(oldest, new RemoteTree(root).Releases);
        Assert.HasCount(2, new RemoteTree(root).Releases);
        Assert.AreEqual($"releases/{last}", new RemoteTree(root).CurrentLink);
    }

    /// <summary>
    /// A release name is the clock's second, and quick deploys run ahead of the clock: a name already
    /// taken costs a script to pick the next one. Waits until the clock is past the newest release.
    /// </summary>
    private static void WaitPastNewest(RemoteTree tree)
    {
        var newest = DateTime.ParseExact(tree.Releases[^1], "yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
        var wait = newest.AddSeconds(1.2) - DateTime.UtcNow;
        Thread.Sleep(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
    }
}
