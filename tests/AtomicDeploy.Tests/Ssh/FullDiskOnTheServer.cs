using System.Globalization;
using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>A deploy folder on a small tmpfs that the new release does not fit in.</summary>
[TestClass]
public sealed class FullDiskOnTheServer
{
    [TestMethod]
    public void A_deploy_that_fills_the_disk_fails_with_a_code_keeps_the_live_release_and_gives_the_space_back()
    {
        var server = SharedServer.Instance;
        if (!server.IsRoot)
        {
            Assert.Inconclusive("Mounting the small tmpfs this test deploys into needs root; the tests run as root in CI.");
        }

        var root = server.NewDeployFolder();
        Directory.CreateDirectory(root);
        var uid = ProcessRunner.Check("id", "-u", server.User).Trim();
        var gid = ProcessRunner.Check("id", "-g", server.User).Trim();
        ProcessRunner.Check("mount", "-t", "tmpfs", "-o", $"size=8m,uid={uid},gid={gid},mode=0755", "atomicdeploy-test", root);
        try
        {
            using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/index.html", "<h1>v1</h1>");
            var live = EngineDeploy.Deploy(server, root, source.Path);
            var usedBefore = Used(root);
            Wait.WriteRandomFile(Path.Combine(source.Path, "wwwroot", "video.bin"), 12);
            source.Write("app.dll", "v2");

            var failure = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Deploy(server, root, source.Path));

            Assert.AreEqual(ErrorCodes.DiskFull, failure.Code, failure.Message);
            StringAssert.Contains(failure.Message, "is full");
            var tree = new RemoteTree(root);
            Assert.AreEqual($"releases/{live}", tree.CurrentLink);
            Assert.AreEqual("v1", tree.CurrentFile("app.dll"));
            CollectionAssert.AreEqual(new[] { live }, tree.Releases, "the half-made release is gone");
            Assert.IsTrue(Used(root) <= usedBefore + (16 << 10), $"the space is given back: {usedBefore} bytes used before, {Used(root)} after");
            StringAssert.Contains(tree.HistoryLines[^1], $"\"error\":\"{ErrorCodes.DiskFull}\"");

            source.Delete("wwwroot/video.bin").Write("app.dll", "v3");
            EngineDeploy.Deploy(server, root, source.Path);
            Assert.AreEqual("v3", tree.CurrentFile("app.dll"), "a deploy that fits succeeds next");
        }
        finally
        {
            if (ProcessRunner.Run("umount", [root]).ExitCode != 0)
            {
                ProcessRunner.Run("umount", ["-l", root]);
            }
        }
    }

    [TestMethod]
    public void A_history_line_that_does_not_fit_is_reported_as_a_full_disk_not_as_an_unknown_failure()
    {
        var server = SharedServer.Instance;
        if (!server.IsRoot)
        {
            Assert.Inconclusive("Mounting the small tmpfs this test writes into needs root; the tests run as root in CI.");
        }

        var root = server.NewDeployFolder();
        Directory.CreateDirectory(Path.Combine(root, ".atomicdeploy"));
        var uid = ProcessRunner.Check("id", "-u", server.User).Trim();
        var gid = ProcessRunner.Check("id", "-g", server.User).Trim();
        ProcessRunner.Check("mount", "-t", "tmpfs", "-o", $"size=1m,uid={uid},gid={gid},mode=0755", "atomicdeploy-test", Path.Combine(root, ".atomicdeploy"));
        try
        {
            server.RunAsUser($"head -c 2097152 /dev/zero > '{root}/.atomicdeploy/fill' 2>/dev/null || true");
            using var shell = EngineDeploy.Connect(EngineDeploy.Settings(server));

            var failure = Assert.ThrowsExactly<DeployException>(() => Core.Remote.RemoteCommand.Run(shell, "record the failure", root, Core.Remote.HookScripts.AppendHistory(root, "{\"event\":\"deploy\"}"), null, TimeSpan.FromSeconds(30), CancellationToken.None));

            Assert.AreEqual(ErrorCodes.DiskFull, failure.Code, failure.Message);
            StringAssert.Contains(failure.Message, "No space left on device");
        }
        finally
        {
            if (ProcessRunner.Run("umount", [Path.Combine(root, ".atomicdeploy")]).ExitCode != 0)
            {
                ProcessRunner.Run("umount", ["-l", Path.Combine(root, ".atomicdeploy")]);
            }
        }
    }

    private static long Used(string mount) =>
        long.Parse(ProcessRunner.Check("df", "-B1", "--output=used", mount).Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim(), CultureInfo.InvariantCulture);
}
