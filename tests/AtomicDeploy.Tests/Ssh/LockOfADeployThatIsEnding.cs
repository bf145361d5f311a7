using System.Globalization;
using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Issue 18 (round trips): a deploy does not wait a round trip for its lock's end, so its lock goes
/// on the server a moment after the deploy returned. The next deploy gives a held lock one second
/// quietly before it announces a wait, or, allowed none, refuses: a deploy right behind another
/// neither waits loudly nor fails.
/// </summary>
[TestClass]
public sealed class LockOfADeployThatIsEnding
{
    [TestMethod]
    public void A_lock_let_go_within_a_second_is_taken_quietly_even_with_no_wait_allowed()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("index.html", "one");
        EngineDeploy.Deploy(server, root, source.Path);
        source.Write("index.html", "two");
        var log = new RecordingLog();
        // Connected first, so the lock is still held when this deploy asks for it; the holder lets go
        // 0.3 s after it is told to, which it is right before the deploy starts.
        using var deployment = EngineDeploy.Open(server, root, source.Path, log, lockWait: TimeSpan.Zero);
        var holder = HoldLock(root, "while [ ! -e let-go ]; do sleep 0.05; done; sleep 0.3");
        Wait.Until(() => FlockHolder.Holds(holder), TimeSpan.FromSeconds(5), "the holder to take the lock");
        server.RunAsUser($"touch '{root}/.atomicdeploy/let-go'");

        var release = deployment.Run(DateTime.UtcNow, CancellationToken.None);

        Assert.AreEqual($"releases/{release}", new RemoteTree(root).CurrentLink);
        Assert.AreEqual("two", new RemoteTree(root).CurrentFile("index.html"));
        Assert.IsFalse(log.Lines.Any(l => l.Contains("waiting", StringComparison.Ordinal)), string.Join('\n', log.Lines));
    }

    [TestMethod]
    public void A_lock_held_longer_is_still_refused_with_no_wait_allowed_after_that_second()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("index.html", "one");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        var holder = HoldLock(root, "sleep 30");
        try
        {
            Wait.Until(() => FlockHolder.Holds(holder), TimeSpan.FromSeconds(5), "the holder to take the lock");
            source.Write("index.html", "two");
            using var deployment = EngineDeploy.Open(server, root, source.Path, lockWait: TimeSpan.Zero);
            var clock = System.Diagnostics.Stopwatch.StartNew();

            var refused = Assert.ThrowsExactly<DeployException>(() => deployment.Prepare(DateTime.UtcNow, CancellationToken.None));

            Assert.AreEqual(ErrorCodes.Locked, refused.Code);
            Assert.IsTrue(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"refused after {clock.Elapsed}: the holder's second first");
            Assert.AreEqual($"releases/{live}", new RemoteTree(root).CurrentLink);
        }
        finally
        {
            // The holder leads a process group of its own: flock and the command under it go together.
            ProcessRunner.Run("kill", ["--", "-" + holder.ToString(CultureInfo.InvariantCulture)]);
        }
    }

    /// <summary>Holds the deploy lock of <paramref name="root"/> while <paramref name="command"/> runs, as the deploy user; returns the holder's pid (a process group of its own).</summary>
    private static int HoldLock(string root, string command)
    {
        var state = Path.Combine(root, ".atomicdeploy");
        SharedServer.Instance.RunAsUser($"cd '{state}' && (setsid flock deploy.lock sh -c '{command}' >/dev/null 2>&1 & echo $! > holder.pid)");
        return int.Parse(File.ReadAllText(Path.Combine(state, "holder.pid")).Trim(), CultureInfo.InvariantCulture);
    }
}
