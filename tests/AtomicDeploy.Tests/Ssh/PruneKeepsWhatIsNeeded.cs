using System.Diagnostics;
using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>The prune over SSH never deletes a release still needed: in use, the rollback target, or a good one in place of a failed one.</summary>
[TestClass]
public sealed class PruneKeepsWhatIsNeeded
{
    [TestMethod]
    public void A_release_a_process_runs_from_and_the_previous_live_one_survive_later_deploys()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/site.css", "body{}");
        var first = EngineDeploy.Deploy(server, root, source.Path, keep: 1);
        var tree = new RemoteTree(root);
        using var process = StartAsUser(server, tree.ReleasePath(first), "exec sleep 120", "^sleep 120$");
        try
        {
            source.Write("app.dll", "v2");
            var second = EngineDeploy.Deploy(server, root, source.Path, keep: 1);
            source.Write("app.dll", "v3");
            var log = new RecordingLog();
            var third = EngineDeploy.Deploy(server, root, source.Path, log, keep: 1);

            CollectionAssert.AreEqual(new[] { first, second, third }, tree.Releases, "keep=1, yet the release in use and the one live before this deploy stay");
            Assert.IsTrue(log.Lines.Any(l => l.StartsWith($"AtomicDeploy: release {first} is kept: process ", StringComparison.Ordinal) && l.EndsWith("(sleep 120) runs from it.", StringComparison.Ordinal)), string.Join('\n', log.Lines));
            Assert.AreEqual("body{}", File.ReadAllText(tree.ReleasePath(first, "wwwroot/site.css")), "the process's release is whole");

            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            source.Write("app.dll", "v4");
            var fourth = EngineDeploy.Deploy(server, root, source.Path, keep: 1);
            CollectionAssert.AreEqual(new[] { third, fourth }, tree.Releases, "once nothing runs from it, the old release goes; the previous live one stays");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [TestMethod]
    public void A_release_whose_executable_a_process_runs_is_kept_although_the_process_works_elsewhere()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        File.Copy(ProcessRunner.Check("sh", "-c", "command -v sleep").Trim(), Path.Combine(source.Path, "sleeper"));
        var first = EngineDeploy.Deploy(server, root, source.Path, keep: 1);
        var tree = new RemoteTree(root);
        using var process = StartAsUser(server, "/", $"exec '{tree.ReleasePath(first, "sleeper")}' 122", "sleeper 122$");
        try
        {
            source.Write("app.dll", "v2");
            EngineDeploy.Deploy(server, root, source.Path, keep: 1);
            source.Write("app.dll", "v3");
            var log = new RecordingLog();
            EngineDeploy.Deploy(server, root, source.Path, log, keep: 1);

            CollectionAssert.Contains(tree.Releases, first, "the running executable's release is kept");
            Assert.IsTrue(log.Lines.Any(l => l.Contains($"release {first} is kept: process ", StringComparison.Ordinal) && l.Contains($"releases/{first}/sleeper 122) runs from it.", StringComparison.Ordinal)), string.Join('\n', log.Lines));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [TestMethod]
    public void Failed_releases_are_pruned_first_so_rollback_still_finds_a_good_one()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        var failIfMarked = CheckedDeploy.Hooks(after: "test ! -e fail-here");
        using var source = new SourceFolder().Write("app.dll", "A");
        var a = CheckedDeploy.Deploy(server, root, source.Path, failIfMarked);
        source.Write("app.dll", "B");
        var b = CheckedDeploy.Deploy(server, root, source.Path, failIfMarked);
        source.Write("fail-here", "x").Write("app.dll", "C");
        Assert.AreEqual(ErrorCodes.AfterSwitchFailed, Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Deploy(server, root, source.Path, failIfMarked)).Code);
        source.Write("app.dll", "D");
        Assert.AreEqual(ErrorCodes.AfterSwitchFailed, Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Deploy(server, root, source.Path, failIfMarked)).Code);
        var tree = new RemoteTree(root);
        var (c, d) = (tree.Releases[2], tree.Releases[3]);
        Assert.AreEqual($"releases/{b}", tree.CurrentLink, "both failed deploys switched back to B");
        source.Delete("fail-here").Write("app.dll", "E");
        var log = new RecordingLog();

        var e = CheckedDeploy.Deploy(server, root, source.Path, failIfMarked, log: log);

        CollectionAssert.AreEqual(new[] { a, b, e }, tree.Releases, "keep=3 keeps three good releases; the two failed ones go");
        Assert.IsTrue(log.Lines.Any(l => l.Contains($"pruned {c}, {d} (keeping 3 good releases; failed: {c}, {d})", StringComparison.Ordinal)), string.Join('\n', log.Lines));
        Assert.AreEqual(b, CheckedDeploy.Rollback(server, root), "rollback finds the good release before E");
        Assert.AreEqual("B", tree.CurrentFile("app.dll"));
    }

    [TestMethod]
    public void A_prune_that_cannot_delete_everything_still_takes_the_release_out_of_reach_and_the_next_deploy_finishes_it()
    {
        var server = SharedServer.Instance;
        if (!server.IsRoot)
        {
            Assert.Inconclusive("Making content the deploy user cannot delete needs root; the tests run as root in CI.");
        }

        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/index.html", "<h1>v1</h1>");
        var first = EngineDeploy.Deploy(server, root, source.Path, keep: 1);
        source.Write("app.dll", "v2");
        var second = EngineDeploy.Deploy(server, root, source.Path, keep: 1);
        var tree = new RemoteTree(root);
        var stuck = tree.ReleasePath(first, "wwwroot/stuck");
        Directory.CreateDirectory(stuck);
        File.WriteAllText(Path.Combine(stuck, "upload.bin"), "x");
        ProcessRunner.Check("chmod", "0555", stuck);
        source.Write("app.dll", "v3");
        var log = new RecordingLog();

        var third = EngineDeploy.Deploy(server, root, source.Path, log, keep: 1);

        CollectionAssert.AreEqual(new[] { second, third }, tree.Releases, "the pruned release is out of releases/ although its delete failed");
        Assert.IsEmpty(log.Warnings.Where(w => w.Code == ErrorCodes.PruneIncomplete).ToArray(), "the deletion runs after this deploy, at its lock's end");
        Assert.AreEqual(ErrorCodes.RollbackTargetUnknown, Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Rollback(server, root, first)).Code, "rollback cannot choose it");
        Assert.AreEqual(second, CheckedDeploy.Rollback(server, root), "an automatic rollback goes to the whole previous release");
        source.Write("app.dll", "v3b");
        var after = new RecordingLog();
        // The next deploy finds what is left in the trash, tries again and says what it could not delete.
        EngineDeploy.Deploy(server, root, source.Path, after, keep: 5);
        var warning = after.Warnings.Single(w => w.Code == ErrorCodes.PruneIncomplete);
        StringAssert.Contains(warning.Message, first);
        StringAssert.Contains(warning.Message, "the next deploy deletes it");

        ProcessRunner.Check("chown", "-R", $"{server.User}:", Path.Combine(root, ".atomicdeploy", "trash"));
        source.Write("app.dll", "v4");
        var next = new RecordingLog();
        // Keeping 5, the next deploy has no release to delete: the leftover alone makes it clean up.
        EngineDeploy.Deploy(server, root, source.Path, next, keep: 5);
        Assert.IsFalse(Directory.Exists(Path.Combine(root, ".atomicdeploy", "trash", first)), "the next deploy deletes the leftover");
        Assert.IsEmpty(next.Warnings.Where(w => w.Code == ErrorCodes.PruneIncomplete).ToArray());
    }

    [TestMethod]
    public void Rollback_refuses_a_release_whose_files_do_not_match_its_manifest_and_changes_nothing()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/index.html", "<h1>v1</h1>").Write("wwwroot/site.css", "body{}");
        var first = EngineDeploy.Deploy(server, root, source.Path);
        source.Write("app.dll", "v2");
        var second = EngineDeploy.Deploy(server, root, source.Path);
        server.RunAsUser($"echo 'new upload' > '{root}/releases/{first}/app-wrote-this.txt'");
        Assert.AreEqual(first, CheckedDeploy.Rollback(server, root), "a file the app added is no reason to refuse");
        CheckedDeploy.Rollback(server, root, second);
        server.RunAsUser($"rm -rf '{root}/releases/{first}/wwwroot'");
        var before = RemoteTree.Snapshot(root);

        var refused = Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Rollback(server, root));

        Assert.AreEqual(ErrorCodes.RollbackTargetDamaged, refused.Code, refused.Message);
        StringAssert.Contains(refused.Message, $"Release {first}");
        StringAssert.Contains(refused.Message, "wwwroot/index.html");
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(root), "a refused rollback changes nothing");
        Assert.AreEqual("v2", new RemoteTree(root).CurrentFile("app.dll"));
    }

    /// <summary>Starts <paramref name="script"/> as the deploy user in <paramref name="folder"/>, waiting until a process matches <paramref name="running"/> (its command line), not for it to end.</summary>
    internal static Process StartAsUser(SshServer server, string folder, string script, string running)
    {
        var start = server.IsRoot
            ? new ProcessStartInfo("runuser", ["-u", server.User, "--", "sh", "-c", script]) { WorkingDirectory = folder }
            : new ProcessStartInfo("sh", ["-c", script]) { WorkingDirectory = folder };
        var process = Process.Start(start)!;
        Wait.Until(() => ProcessRunner.Run("pgrep", ["-u", server.User, "-f", running]).ExitCode == 0, TimeSpan.FromSeconds(5), "the process to start");
        return process;
    }
}
