using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>A lock left by a crashed deploy refuses the next one, naming its owner, until AtomicDeployUnlock removes it.</summary>
[TestClass]
public sealed class StaleLockAndUnlock
{
    [TestMethod]
    public void A_left_lock_is_reported_and_AtomicDeployUnlock_removes_it_saying_whose_it_was()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var app = new WebApp();
        var properties = WebApp.ServerProperties(server, root);
        Assert.AreEqual(0, app.Publish(properties).ExitCode);
        server.RunAsUser($"mkdir '{root}/.atomicdeploy/lock' && echo 'bob@ci-runner-3 pid 4242' > '{root}/.atomicdeploy/lock/owner'");

        var refused = app.Publish(properties);

        Assert.AreNotEqual(0, refused.ExitCode);
        StringAssert.Contains(refused.Output, $"error {ErrorCodes.Locked}:");
        StringAssert.Contains(refused.Output, "bob@ci-runner-3 pid 4242");
        StringAssert.Contains(refused.Output, "AtomicDeployUnlock");

        var unlock = app.RunTarget("AtomicDeployUnlock", [.. properties.Skip(1)]);

        Assert.AreEqual(0, unlock.ExitCode, unlock.All);
        StringAssert.Contains(unlock.Output, "it was held by bob@ci-runner-3 pid 4242");
        Assert.IsFalse(Directory.Exists(Path.Combine(root, ".atomicdeploy", "lock")));
        var next = app.Publish([.. properties, "AtomicDeployForce=true"]);
        Assert.AreEqual(0, next.ExitCode, next.All);
        Assert.AreEqual(2, new RemoteTree(root).Releases.Length);
    }
}
