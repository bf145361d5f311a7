using AtomicDeploy.Core;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>AtomicDeployUnlock stops only the process that really holds the lock, never whatever now has the pid deploy.lock names.</summary>
[TestClass]
public sealed class UnlockSparesAReusedPid
{
    [TestMethod]
    public void A_live_unrelated_pid_named_in_deploy_lock_is_not_killed_and_the_refusal_says_why()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        var state = Path.Combine(root, ".atomicdeploy");
        server.RunAsUser($"mkdir -p '{state}' && cd '{state}' && " +
            "(sleep 120 >/dev/null 2>&1 & echo $! > unrelated.pid) && " +
            "printf 'old@runner (server pid %s)\\n' \"$(cat unrelated.pid)\" > deploy.lock && " +
            "(flock deploy.lock sleep 120 >/dev/null 2>&1 & echo $! > holder.pid)");
        var unrelated = int.Parse(File.ReadAllText(Path.Combine(state, "unrelated.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var holder = int.Parse(File.ReadAllText(Path.Combine(state, "holder.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            Wait.Until(() => HoldsFlock(holder), TimeSpan.FromSeconds(5), "the holder to take the lock");

            using var shell = EngineDeploy.Connect(EngineDeploy.Settings(server));
            var refused = Assert.ThrowsExactly<DeployException>(() => shell.Run(RemoteScripts.Unlock(root), null, TimeSpan.FromSeconds(30), CancellationToken.None));

            Assert.AreEqual(ErrorCodes.LockHolderNotNamed, refused.Code);
            StringAssert.Contains(refused.Message, "held by a process other than the one deploy.lock names (old@runner (server pid " + unrelated + "))");
            StringAssert.Contains(refused.Message, "nothing was stopped");
            Assert.IsTrue(Alive(unrelated), "the unrelated process named in deploy.lock is still running");
            Assert.IsTrue(Alive(holder), "the real holder is not stopped blindly either");
            // Read with cat: .NET's own file locking would refuse a file another process flocks.
            Assert.AreEqual($"old@runner (server pid {unrelated})\n", ProcessRunner.Check("cat", Path.Combine(state, "deploy.lock")));
        }
        finally
        {
            Stop(unrelated);
            Stop(holder);
        }
    }

    private static bool HoldsFlock(int pid) => FlockHolder.Holds(pid);

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2].StartsWith('Z');

    private static void Stop(int pid)
    {
        try
        {
            System.Diagnostics.Process.GetProcessById(pid).Kill();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }
}
