using System.Diagnostics;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Scripts of any size run: 10,000 shared links (a script far beyond one SSH packet and the
/// system's argument limit) deploy over the real sshd and on the local target.
/// </summary>
[TestClass]
public sealed class TenThousandSharedLinks
{
    private const int Entries = 10_000;

    [TestMethod]
    public void Ten_thousand_links_deploy_over_ssh() =>
        DeploysTenThousandLinks(() => EngineDeploy.Connect(EngineDeploy.Settings(SharedServer.Instance)), SharedServer.Instance.RunAsUser, SharedServer.Instance.NewDeployFolder());

    [TestMethod]
    public void Ten_thousand_links_deploy_on_the_local_target()
    {
        using var folder = new TempFolder();
        DeploysTenThousandLinks(() => new LocalShell(), script => ProcessRunner.Check("sh", "-c", script), Path.Combine(folder.Path, "app"));
    }

    private static void DeploysTenThousandLinks(Func<IRemoteShell> shell, Action<string> runAsDeployUser, string root)
    {
        using var source = new SourceFolder().Write("App.dll", "v1").Write("media/logo.png", "logo");
        EngineDeploy.Deploy(shell(), root, source.Path);

        // shared/media/ holds 10,000 files; the release has its own media/, so each drops down into a link.
        runAsDeployUser($"mkdir -p '{root}/shared/media' && cd '{root}/shared/media' && seq -f 'photo-%05g-with-a-longer-name-as-uploads-have.jpg' 0 {Entries - 1} | xargs touch");

        source.Write("App.dll", "v2");
        var log = new RecordingLog();
        var clock = Stopwatch.StartNew();
        var release = EngineDeploy.Deploy(shell(), root, source.Path, log);
        clock.Stop();

        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{release}", tree.CurrentLink);
        CollectionAssert.Contains(log.Lines, $"AtomicDeploy: {Entries} shared entries linked into {release}.");
        Assert.AreEqual(Entries + 1, Directory.GetFileSystemEntries(tree.ReleasePath(release, "media")).Length);
        Assert.AreEqual("../../../shared/media/photo-09999-with-a-longer-name-as-uploads-have.jpg", new FileInfo(tree.ReleasePath(release, "media/photo-09999-with-a-longer-name-as-uploads-have.jpg")).LinkTarget);
        Assert.AreEqual("logo", tree.CurrentFile("media/logo.png"));
        Assert.IsTrue(log.Warnings.All(w => w.Code == ErrorCodes.SharedConflict), string.Join("\n", log.Warnings));
        Console.WriteLine($"{Entries} links deployed in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(40), $"{Entries} links took {clock.Elapsed}");
    }
}
