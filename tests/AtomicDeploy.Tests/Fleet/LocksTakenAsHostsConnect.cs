using AtomicDeploy.Core.Engine;

namespace AtomicDeploy.Tests.Fleet;

/// <summary>
/// Issue 16: a deploy takes each host's deploy lock as soon as that host is connected, so in a fleet
/// the first hosts' lock round trips overlap the handshakes of the hosts still connecting, instead of
/// starting only once the last host is connected. Operations that are not a deploy take no lock there.
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
    public void Opening_for_anything_but_a_deploy_takes_no_lock()
    {
        SshFleet.RequireRoot();
        using var fleet = new SshFleet(2);
        using var source = new SourceFolder().Write("app.dll", "v1");
        fleet.Deploy(source.Path);

        using var deployment = Deployment.Open(fleet.Settings(source.Path) with { LockOnConnect = false }, new RecordingLog(), t => EngineDeploy.Connect(t.Ssh!));

        foreach (var server in fleet.Servers)
        {
            Assert.IsFalse(LockHeld(server), "no lock on " + server.HostSpec);
        }
    }

    /// <summary>Whether a process holds the flock of <paramref name="server"/>'s deploy lock file (a try from this process fails).</summary>
    private static bool LockHeld(SshServer server) =>
        ProcessRunner.Run("flock", ["-n", Path.Combine(SshFleet.RootOn(server), ".atomicdeploy", "deploy.lock"), "true"]).ExitCode != 0;

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
