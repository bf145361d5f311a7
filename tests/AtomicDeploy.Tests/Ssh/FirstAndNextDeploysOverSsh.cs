using System.Text.Json;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>A first deploy and the deploys after it, over SSH to the real sshd, as an unprivileged user.</summary>
[TestClass]
public sealed class FirstAndNextDeploysOverSsh
{
    [TestMethod]
    public void A_first_deploy_creates_the_layout_and_a_relative_current_link()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/index.html", "<h1>one</h1>");

        var release = EngineDeploy.Deploy(server, root, source.Path);

        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{release}", tree.CurrentLink, "current is a relative link to the release");
        Assert.AreEqual("<h1>one</h1>", tree.CurrentFile("wwwroot/index.html"));
        CollectionAssert.AreEqual(new[] { release }, tree.Releases);
        Assert.IsTrue(Directory.Exists(Path.Combine(root, "shared")));
        Assert.IsTrue(File.Exists(Path.Combine(root, ".atomicdeploy", "manifests", release + ".json")));
        Assert.IsFalse(Directory.Exists(Path.Combine(root, ".atomicdeploy", "lock")), "the lock is released");
        Assert.IsFalse(Directory.EnumerateFileSystemEntries(tree.ReleasePath(release)).Any(p => Path.GetFileName(p).StartsWith(".atomicdeploy", StringComparison.Ordinal)), "no metadata inside the release");

        var history = JsonDocument.Parse(tree.HistoryLines.Single()).RootElement;
        Assert.AreEqual("success", history.GetProperty("outcome").GetString());
        Assert.AreEqual(release, history.GetProperty("release").GetString());
        Assert.AreEqual(2, history.GetProperty("added").GetInt32());
    }

    [TestMethod]
    public void A_second_deploy_hard_links_unchanged_files_replaces_changed_ones_and_drops_removed_ones()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder()
            .Write("app.dll", "v1")
            .Write("same.txt", "unchanged")
            .Write("gone/old.txt", "to be removed")
            .Write("wwwroot/index.html", "<h1>one</h1>");
        var first = EngineDeploy.Deploy(server, root, source.Path);
        var before = RemoteTree.Snapshot(Path.Combine(root, "releases", first));

        source.Write("app.dll", "v2").Delete("gone/old.txt").Write("new.txt", "added");
        Directory.Delete(Path.Combine(source.Path, "gone"));
        var log = new RecordingLog();
        var second = EngineDeploy.Deploy(server, root, source.Path, log);

        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{second}", tree.CurrentLink);
        Assert.AreEqual("v2", tree.CurrentFile("app.dll"));
        Assert.AreEqual("added", tree.CurrentFile("new.txt"));
        Assert.IsFalse(Directory.Exists(tree.ReleasePath(second, "gone")), "a removed folder is gone from the new release");
        Assert.AreEqual(RemoteTree.Inode(tree.ReleasePath(first, "same.txt")), RemoteTree.Inode(tree.ReleasePath(second, "same.txt")), "an unchanged file is a hard link");
        Assert.AreNotEqual(RemoteTree.Inode(tree.ReleasePath(first, "app.dll")), RemoteTree.Inode(tree.ReleasePath(second, "app.dll")), "a changed file is a new inode");
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(tree.ReleasePath(first)), "the previous release is unmodified");
        Assert.IsTrue(log.Lines.Any(l => l.Contains("sending 1 added and 1 changed", StringComparison.Ordinal)), string.Join('\n', log.Lines));
    }

    [TestMethod]
    public void Only_the_newest_three_releases_are_kept_with_their_manifests()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v0");
        var releases = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            source.Write("app.dll", $"v{i}");
            releases.Add(EngineDeploy.Deploy(server, root, source.Path));
        }

        var tree = new RemoteTree(root);
        CollectionAssert.AreEqual(releases.Skip(2).ToArray(), tree.Releases);
        CollectionAssert.AreEquivalent(
            releases.Skip(2).Select(r => r + ".json").ToArray(),
            Directory.GetFiles(Path.Combine(root, ".atomicdeploy", "manifests")).Select(Path.GetFileName).ToArray());
        Assert.AreEqual("v5", tree.CurrentFile("app.dll"));
        Assert.AreEqual(5, tree.HistoryLines.Length);
    }

    [TestMethod]
    public void The_next_release_holds_exactly_what_is_published_even_when_the_live_one_was_altered()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("lib.dll", "library").Write("run.sh", "#!/bin/sh");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        server.RunAsUser($"cd '{root}/current' && rm lib.dll && echo log > runtime.log && chmod 600 run.sh");

        source.Write("app.dll", "v2");
        var next = EngineDeploy.Deploy(server, root, source.Path);

        var tree = new RemoteTree(root);
        CollectionAssert.AreEquivalent(new[] { "app.dll", "lib.dll", "run.sh" }, Directory.GetFileSystemEntries(tree.ReleasePath(next)).Select(Path.GetFileName).ToArray());
        Assert.AreEqual("library", tree.CurrentFile("lib.dll"));
        Assert.AreEqual("644", ProcessRunner.Check("stat", "-c", "%a", tree.ReleasePath(next, "run.sh")).Trim());
        Assert.AreEqual("600", ProcessRunner.Check("stat", "-c", "%a", tree.ReleasePath(live, "run.sh")).Trim(), "the old release is left as it was");
        Assert.IsTrue(File.Exists(tree.ReleasePath(live, "runtime.log")));
    }

    [TestMethod]
    public void Releases_may_live_on_another_disk_through_a_symlinked_releases_folder()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        server.RunAsUser($"mkdir -p '{root}' '{root}-disk2/releases' && ln -s '{root}-disk2/releases' '{root}/releases'");
        using var source = new SourceFolder().Write("app.dll", "v1").Write("old.txt", "old");
        EngineDeploy.Deploy(server, root, source.Path);

        source.Write("app.dll", "v2").Delete("old.txt");
        EngineDeploy.Deploy(server, root, source.Path);

        var tree = new RemoteTree(root);
        Assert.AreEqual("v2", tree.CurrentFile("app.dll"));
        Assert.IsFalse(File.Exists(Path.Combine(root, "current", "old.txt")));
        Assert.HasCount(2, Directory.GetDirectories(root + "-disk2/releases"));
    }
}
