using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// A connection that stops carrying anything (a network black hole) at the switch: the step times
/// out with a code, nothing is half-switched, and once the connection is gone the next deploy
/// removes what was left.
/// </summary>
[TestClass]
public sealed class StalledConnection
{
    [TestMethod]
    public void A_switch_on_a_stalled_connection_times_out_with_a_code_and_switches_nothing()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        source.Write("app.dll", "v2");
        using var proxy = new TcpProxy(server.Port);
        using var knownHosts = new TempFolder();
        var settings = ProxiedSsh.Settings(server, proxy, knownHosts);
        var log = new RecordingLog();
        var session = EngineDeploy.Open(EngineDeploy.Connect(settings), EngineDeploy.Deploy(root, source.Path, timeout: TimeSpan.FromSeconds(3)), log);
        session.Prepare(DateTime.UtcNow, CancellationToken.None);
        session.Upload(CancellationToken.None);

        session.LinkShared(CancellationToken.None);
        proxy.Stall();
        var failure = Assert.ThrowsExactly<DeployException>(() => session.Switch(CancellationToken.None));
        session.Abort(failure);
        session.Dispose();

        Assert.AreEqual(ErrorCodes.RemoteTimeout, failure.Code, failure.Message);
        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{live}", tree.CurrentLink, "nothing was switched");
        Assert.AreEqual("v1", tree.CurrentFile("app.dll"));

        // The network gives up on the connection: the server ends the deploy's lock with it.
        proxy.Cut();
        source.Write("app.dll", "v3");
        var nextLog = new RecordingLog();
        var next = EngineDeploy.Deploy(server, root, source.Path, nextLog);

        Assert.AreEqual("v3", tree.CurrentFile("app.dll"));
        CollectionAssert.AreEqual(new[] { live, next }, tree.Releases, "the half-made release was removed");
        Assert.IsTrue(nextLog.Warnings.Any(w => w.Code == ErrorCodes.LeftoverRemoved));
    }
}
