using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;

namespace AtomicDeploy.Tests.Fleet;

/// <summary>
/// Issue 16: a deploy takes each host's deploy lock as soon as that host is connected, so in a fleet
/// the first hosts' lock round trips overlap the handshakes of the hosts still connecting, instead of
/// starting only once the last host is connected. A lock that cannot be taken is still refused by
/// the prepare; only the AtomicDeploy target's deploy takes its locks on connecting.
/// </summary>
[TestClass]
public sealed class LocksTakenAsHostsConnect
{
    [TestMethod]
    public void A_hosts_lock_is_held_while_another_host_is_still_connecting_and_the_deploy_goes_through()
    {
        SshFleet.RequireRoot();
        using var fleet = new SshFleet(2);
        using var source = new SourceFolder().Write("app.dll", "v1");
        fleet.Deploy(source.Path);
        WaitForNoLocks(fleet);
        source.Write("app.dll", "v2");
        var (first, late) = (fleet.Servers[0], fleet.Servers[1]);
        var heldWhileLateConnected = false;

        using (var deployment = Deployment.Open(fleet.Settings(source.Path) with { LockOnConnect = true }, new RecordingLog(), t =>
        {
            if (t.Name == late.HostSpec)
            {
                // The late host connects only once the first host's lock is held (or 20 s have passed).
                heldWhileLateConnected = WaitForLockHeld(first, TimeSpan.FromSeconds(20));
            }

            return EngineDeploy.Connect(t.Ssh!);
        }))
        {
            deployment.Run(DateTime.UtcNow, CancellationToken.None);
        }

        Assert.IsTrue(heldWhileLateConnected, "the first host's deploy lock was held before the late host connected");
        foreach (var server in fleet.Servers)
        {
            Assert.AreEqual("v2", new RemoteTree(SshFleet.RootOn(server)).CurrentFile("app.dll"), server.HostSpec);
            // The lock goes a moment after the deploy: its end is not waited for.
            Wait.Until(() => !LockHeld(server), TimeSpan.FromSeconds(10), "the lock to go with the deploy on " + server.HostSpec);
        }
    }

    [TestMethod]
    public void A_lock_held_by_another_deploy_is_refused_by_the_prepare_and_the_opening_goes_through()
    {
        SshFleet.RequireRoot();
        using var fleet = new SshFleet(2);
        using var source = new SourceFolder().Write("app.dll", "v1");
        fleet.Deploy(source.Path);
        WaitForNoLocks(fleet);
        source.Write("app.dll", "v2");
        var held = fleet.Servers[1];
        using var holder = System.Diagnostics.Process.Start("flock", [new RemoteTree(SshFleet.RootOn(held)).LockFile, "sleep", "30"]);
        Wait.Until(() => LockHeld(held), TimeSpan.FromSeconds(10), "the other deploy's lock");
        var settings = fleet.Settings(source.Path) with { LockOnConnect = true, Timeouts = new Core.Remote.RemoteTimeouts(TimeSpan.FromMinutes(2), TimeSpan.Zero) };

        try
        {
            using var deployment = Deployment.Open(settings, new RecordingLog(), t => EngineDeploy.Connect(t.Ssh!));
            var refused = Assert.ThrowsExactly<DeployException>(() => deployment.Prepare(DateTime.UtcNow, CancellationToken.None));

            Assert.AreEqual(ErrorCodes.Locked, refused.Code, refused.Message);
            StringAssert.Contains(refused.Message, held.HostSpec);
        }
        finally
        {
            holder.Kill();
        }

        foreach (var server in fleet.Servers)
        {
            Assert.AreEqual("v1", new RemoteTree(SshFleet.RootOn(server)).CurrentFile("app.dll"), server.HostSpec);
        }
    }

    [TestMethod]
    public void Only_a_deploy_asked_to_takes_its_locks_on_connecting()
    {
        static bool LockOnConnect(DeployOperation operation, bool asked) =>
            DeploySettings.Parse(new DeployInputs { DeployPath = "/srv/app", Operation = operation, LockOnConnect = asked }, "/nonexistent-home", new RecordingLog()).LockOnConnect;

        Assert.IsTrue(LockOnConnect(DeployOperation.Deploy, asked: true), "the AtomicDeploy target's deploy");
        Assert.IsFalse(LockOnConnect(DeployOperation.Deploy, asked: false), "a deploy of a custom target: PrepareRelease takes the locks");
        Assert.IsFalse(LockOnConnect(DeployOperation.Plan, asked: true), "a dry run takes no lock");
        Assert.IsFalse(LockOnConnect(DeployOperation.Inspect, asked: true), "the release list, rollback and unlock take their own, or none");
    }

    /// <summary>Whether a process holds <paramref name="server"/>'s deploy lock.</summary>
    private static bool LockHeld(SshServer server) => new RemoteTree(SshFleet.RootOn(server)).LockHeld;

    /// <summary>Waits for the locks of an earlier deploy to go (their end is not waited for).</summary>
    private static void WaitForNoLocks(SshFleet fleet)
    {
        foreach (var server in fleet.Servers)
        {
            Wait.Until(() => !LockHeld(server), TimeSpan.FromSeconds(10), "the earlier deploy's lock to go on " + server.HostSpec);
        }
    }

    private static bool WaitForLockHeld(SshServer server, TimeSpan limit)
    {
        try
        {
            Wait.Until(() => LockHeld(server), limit, "the deploy lock of " + server.HostSpec);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
