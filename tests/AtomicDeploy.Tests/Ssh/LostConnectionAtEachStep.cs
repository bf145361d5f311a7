using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// A connection cut (through a relay that resets both sides) at any step before the switch: a coded
/// error, the live release untouched, the lock freed by the server, and the next deploy removes
/// the half-made release and records its failure.
/// </summary>
[TestClass]
public sealed class LostConnectionAtEachStep
{
    [TestMethod]
    [DataRow("upload")]
    [DataRow("link")]
    [DataRow("switch")]
    public void A_cut_connection_leaves_the_live_release_and_the_next_deploy_cleans_up(string step)
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        source.Write("app.dll", "v2");
        if (step == "upload")
        {
            Wait.WriteRandomFile(Path.Combine(source.Path, "big.bin"), 120);
        }

        using var proxy = new TcpProxy(server.Port);
        using var knownHosts = new TempFolder();
        File.WriteAllText(knownHosts.Combine("known_hosts"), $"[127.0.0.1]:{proxy.Port} {server.HostKeyType} {server.HostKeyBase64}\n");
        var settings = EngineDeploy.Settings(server, knownHosts.Combine("known_hosts")) with { Host = new HostAddress(server.User, "127.0.0.1", proxy.Port) };
        var log = new RecordingLog();
        using var session = EngineDeploy.Open(EngineDeploy.Connect(settings), EngineDeploy.Deploy(root, source.Path, timeout: TimeSpan.FromSeconds(30)), log);
        var release = session.Prepare(DateTime.UtcNow, CancellationToken.None);

        var failure = Assert.ThrowsExactly<DeployException>(() =>
        {
            if (step == "upload")
            {
                var upload = Task.Run(() => session.Upload(CancellationToken.None));
                Wait.Until(() => Wait.PartialUpload(root, "big.bin") > 4 << 20, TimeSpan.FromSeconds(60), "the large file to be half sent");
                proxy.Cut();
                upload.GetAwaiter().GetResult();
                return;
            }

            session.Upload(CancellationToken.None);
            if (step == "link")
            {
                proxy.Cut();
            }

            session.LinkShared(CancellationToken.None);
            proxy.Cut();
            session.Switch(CancellationToken.None);
        });
        session.Abort(failure);

        CollectionAssert.Contains(new[] { ErrorCodes.ConnectionLost, ErrorCodes.LockLost }, failure.Code, failure.Message);
        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{live}", tree.CurrentLink, "nothing was switched");
        Assert.AreEqual("v1", tree.CurrentFile("app.dll"));

        var nextLog = new RecordingLog();
        source.Write("app.dll", "v3");
        var next = EngineDeploy.Deploy(server, root, source.Path, nextLog);

        Assert.AreEqual("v3", tree.CurrentFile("app.dll"), "the next deploy succeeds without manual steps");
        CollectionAssert.AreEqual(new[] { live, next }, tree.Releases, "the half-made release was removed");
        Assert.IsTrue(nextLog.Warnings.Any(w => w.Code == ErrorCodes.LeftoverRemoved && w.Message.Contains(release, StringComparison.Ordinal)), "the next deploy said what it removed");
        Assert.AreEqual(1, tree.HistoryLines.Count(line => line.Contains($"\"release\":\"{release}\"", StringComparison.Ordinal) && line.Contains($"\"error\":\"{ErrorCodes.Interrupted}\"", StringComparison.Ordinal)),
            "the interrupted deploy is recorded as failed");
    }
}
