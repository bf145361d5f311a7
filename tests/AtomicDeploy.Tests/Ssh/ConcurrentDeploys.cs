using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Operations;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>Deploys to the same path at the same time take turns: the lock lives exactly as long as each deploy.</summary>
[TestClass]
public sealed class ConcurrentDeploys
{
    [TestMethod]
    public void Two_deploys_started_together_run_one_after_the_other_and_each_release_is_complete()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var first = Site("alpha");
        using var second = Site("beta");
        using var initial = Site("initial");
        EngineDeploy.Deploy(server, root, initial.Path);

        using var start = new Barrier(2);
        var logs = new[] { new RecordingLog(), new RecordingLog() };
        // Each holds the lock over two seconds (its before-switch command): longer than a held lock is
        // waited for quietly (its holder may be ending), so the one that waits says so.
        var hooks = SwitchHookSettings.None with { BeforeSwitchCommand = "sleep 2" };
        var deploys = new[] { first, second }.Select((source, i) => Task.Run(() =>
        {
            start.SignalAndWait();
            using var deployment = EngineDeploy.Open(EngineDeploy.Connect(EngineDeploy.Settings(server)), EngineDeploy.Deploy(root, source.Path, hooks: hooks), logs[i]);
            return deployment.Run(DateTime.UtcNow, CancellationToken.None);
        })).ToArray();

        Assert.IsTrue(Task.WaitAll(deploys, TimeSpan.FromSeconds(90)), "both deploys finished");
        var tree = new RemoteTree(root);
        var winner = tree.CurrentLink![^14..];
        var name = winner == deploys[0].Result ? "alpha" : "beta";
        Assert.IsTrue(winner == deploys[0].Result || winner == deploys[1].Result);
        Assert.AreEqual(3, tree.Releases.Length);
        foreach (var release in new[] { deploys[0].Result, deploys[1].Result })
        {
            var expected = release == deploys[0].Result ? "alpha" : "beta";
            for (var i = 0; i < 20; i++)
            {
                Assert.AreEqual($"{expected} {i}", File.ReadAllText(tree.ReleasePath(release, $"wwwroot/page{i}.html")), $"release {release} holds only {expected}'s files");
            }
        }

        Assert.AreEqual($"{name} 7", tree.CurrentFile("wwwroot/page7.html"));
        Assert.AreEqual(3, tree.HistoryLines.Count(line => line.Contains("\"outcome\":\"success\"", StringComparison.Ordinal)));
        Assert.IsTrue(logs.Any(log => log.Lines.Any(line => line.Contains("waiting up to 60 s for the deploy lock", StringComparison.Ordinal) && line.Contains("tester@test-machine", StringComparison.Ordinal))),
            "the deploy that waited said who held the lock");
    }

    [TestMethod]
    public void A_deploy_that_cannot_get_the_lock_in_time_fails_with_a_code_naming_the_holder_and_changes_nothing()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = Site("alpha");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        // A change, so the holder makes a release and keeps the lock (a deploy with nothing to do lets it go at once).
        source.Write("app.dll", "alpha 2");
        using var holder = Open(server, root, source.Path, TimeSpan.FromSeconds(10));
        holder.Prepare(DateTime.UtcNow, CancellationToken.None);
        var before = RemoteTree.Snapshot(Path.Combine(root, "releases"));

        using var waiter = Open(server, root, source.Path, TimeSpan.FromSeconds(2));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var failure = Assert.ThrowsExactly<DeployException>(() => waiter.Prepare(DateTime.UtcNow, CancellationToken.None));

        Assert.AreEqual(ErrorCodes.Locked, failure.Code);
        StringAssert.Contains(failure.Message, "tester@test-machine pid");
        StringAssert.Contains(failure.Message, "AtomicDeployLockTimeout");
        Assert.IsTrue(clock.Elapsed >= TimeSpan.FromSeconds(1.5) && clock.Elapsed < TimeSpan.FromSeconds(20), $"waited {clock.Elapsed}");
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(Path.Combine(root, "releases")));
        Assert.AreEqual($"releases/{live}", new RemoteTree(root).CurrentLink);
    }

    [TestMethod]
    public void AtomicDeployUnlock_frees_the_lock_of_a_hung_deploy_which_then_stops_with_a_code()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = Site("alpha");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        source.Write("app.dll", "alpha 2");
        using var hung = Open(server, root, source.Path, TimeSpan.FromSeconds(10));
        hung.Prepare(DateTime.UtcNow, CancellationToken.None);
        Assert.IsTrue(hung.Hosts[0].HoldsLock);

        using (var shell = EngineDeploy.Connect(EngineDeploy.Settings(server)))
        {
            var unlock = shell.Run(RemoteScripts.Unlock(root), null, TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.AreEqual(0, unlock.ExitCode, unlock.Error);
            StringAssert.StartsWith(unlock.Output.Trim(), "removed tester@test-machine pid");
        }

        Wait.Until(() => !hung.Hosts[0].HoldsLock, TimeSpan.FromSeconds(10), "the hung deploy to notice");
        var lost = Assert.ThrowsExactly<DeployException>(() => hung.Upload(CancellationToken.None));
        hung.Abort(lost);

        Assert.AreEqual(ErrorCodes.LockLost, lost.Code);
        Assert.AreEqual($"releases/{live}", new RemoteTree(root).CurrentLink);
        using var next = Site("beta");
        var release = EngineDeploy.Deploy(server, root, next.Path);
        Assert.AreEqual($"releases/{release}", new RemoteTree(root).CurrentLink);
        Assert.AreEqual("beta 3", new RemoteTree(root).CurrentFile("wwwroot/page3.html"));
    }

    private static Deployment Open(SshServer server, string root, string source, TimeSpan lockWait) =>
        EngineDeploy.Open(EngineDeploy.Connect(EngineDeploy.Settings(server)), EngineDeploy.Deploy(root, source, timeout: TimeSpan.FromSeconds(60), lockWait: lockWait));

    private static SourceFolder Site(string name)
    {
        var source = new SourceFolder().Write("app.dll", name);
        for (var i = 0; i < 20; i++)
        {
            source.Write($"wwwroot/page{i}.html", $"{name} {i}");
        }

        return source;
    }
}
