using AtomicDeploy.Core.Engine;
using System.Diagnostics;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>Ctrl+C (the token MSBuild cancels) stops an upload in the middle of a large file and cleans up.</summary>
[TestClass]
public sealed class CancelledUpload
{
    [TestMethod]
    public void Cancelling_mid_file_stops_promptly_removes_the_half_made_release_and_frees_the_lock()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        Wait.WriteRandomFile(Path.Combine(source.Path, "big.bin"), 200);
        source.Write("app.dll", "v2");

        using var cancel = new CancellationTokenSource();
        var log = new RecordingLog();
        using var session = EngineDeploy.Open(EngineDeploy.Connect(EngineDeploy.Settings(server)), EngineDeploy.Deploy(root, source.Path, timeout: TimeSpan.FromSeconds(120)), log);
        session.Prepare(DateTime.UtcNow, CancellationToken.None);
        var upload = Task.Run(() => session.Upload(cancel.Token));
        Wait.Until(() => Wait.PartialUpload(root, "big.bin") > 4 << 20, TimeSpan.FromSeconds(60), "the large file to be half sent");
        var clock = Stopwatch.StartNew();
        cancel.Cancel();

        var failure = Assert.ThrowsExactly<DeployException>(() => upload.GetAwaiter().GetResult());
        var stopped = clock.Elapsed;
        session.Abort(failure);

        Assert.AreEqual(ErrorCodes.Cancelled, failure.Code);
        Assert.IsTrue(stopped < TimeSpan.FromSeconds(10), $"the upload stopped {stopped.TotalSeconds:0.0} s after the cancel");
        Assert.IsTrue(Wait.PartialUpload(root, "big.bin") < 200 << 20, "the file was not sent whole");
        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{live}", tree.CurrentLink);
        CollectionAssert.AreEqual(new[] { live }, tree.Releases, "the half-made release is gone");
        StringAssert.Contains(tree.HistoryLines[^1], $"\"error\":\"{ErrorCodes.Cancelled}\"");
        Assert.IsFalse(session.Hosts[0].HoldsLock);

        source.Delete("big.bin").Write("app.dll", "v3");
        using var next = EngineDeploy.Open(EngineDeploy.Connect(EngineDeploy.Settings(server)), EngineDeploy.Deploy(root, source.Path, timeout: TimeSpan.FromSeconds(60), lockWait: TimeSpan.Zero), new RecordingLog());
        next.Prepare(DateTime.UtcNow, CancellationToken.None);
        next.Upload(CancellationToken.None);
        next.LinkShared(CancellationToken.None);
        next.Switch(CancellationToken.None);
        next.Prune(CancellationToken.None);
        Assert.AreEqual("v3", tree.CurrentFile("app.dll"), "the next deploy got the lock at once");
    }
}
