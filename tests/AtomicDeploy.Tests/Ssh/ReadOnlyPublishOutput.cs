using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>A read-only folder in the publish output deploys, redeploys and prunes for the unprivileged deploy user.</summary>
[TestClass]
public sealed class ReadOnlyPublishOutput
{
    [TestMethod]
    public void A_0555_folder_deploys_changes_and_is_pruned_without_a_leftover()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("ro/data.txt", "d1").Write("ro/old.txt", "old").Write("ro/deep/x.txt", "x");
        ProcessRunner.Check("chmod", "0555", Path.Combine(source.Path, "ro"), Path.Combine(source.Path, "ro/deep"));
        try
        {
            var first = EngineDeploy.Deploy(server, root, source.Path, keep: 1);
            var tree = new RemoteTree(root);
            Assert.AreEqual("555", Mode(tree.ReleasePath(first, "ro")));

            ChangeReadOnly(source, () => source.Write("ro/data.txt", "d2").Write("ro/new.txt", "new").Write("ro/deep/x.txt", "x2").Delete("ro/old.txt"));
            source.Write("app.dll", "v2");
            var log = new RecordingLog();
            var second = EngineDeploy.Deploy(server, root, source.Path, log, keep: 1);

            Assert.AreEqual("d2", tree.CurrentFile("ro/data.txt"));
            Assert.AreEqual("new", tree.CurrentFile("ro/new.txt"));
            Assert.AreEqual("x2", tree.CurrentFile("ro/deep/x.txt"));
            Assert.IsFalse(File.Exists(tree.ReleasePath(second, "ro/old.txt")), "the removed file is gone");
            Assert.AreEqual("d1", File.ReadAllText(tree.ReleasePath(first, "ro/data.txt")), "the previous release is untouched");
            Assert.AreEqual("555", Mode(tree.ReleasePath(second, "ro")), "the folder keeps its published mode");
            Assert.AreEqual("555", Mode(tree.ReleasePath(second, "ro/deep")));

            source.Write("app.dll", "v3");
            var third = EngineDeploy.Deploy(server, root, source.Path, log, keep: 1);
            source.Write("app.dll", "v4");
            var fourth = EngineDeploy.Deploy(server, root, source.Path, log, keep: 1);

            CollectionAssert.AreEqual(new[] { third, fourth }, tree.Releases);
            // The lock's command deletes the pruned releases once the deploy has ended.
            Wait.Until(() => Directory.GetFileSystemEntries(Path.Combine(root, ".atomicdeploy", "trash")).Length == 0, TimeSpan.FromSeconds(10), "the pruned releases to be deleted completely");
            Assert.IsEmpty(log.Warnings, string.Join('\n', log.Warnings));
            Assert.AreEqual("555", Mode(tree.ReleasePath(fourth, "ro")));
            Assert.AreEqual("d2", tree.CurrentFile("ro/data.txt"));
        }
        finally
        {
            ProcessRunner.Check("chmod", "-R", "u+w", source.Path);
        }
    }

    [TestMethod]
    public void A_folder_that_turns_0555_as_a_file_in_it_is_removed_deploys()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("ro/data.txt", "d1").Write("ro/old.txt", "old");
        try
        {
            var first = EngineDeploy.Deploy(server, root, source.Path);
            source.Delete("ro/old.txt");
            ProcessRunner.Check("chmod", "0555", Path.Combine(source.Path, "ro"));

            var second = EngineDeploy.Deploy(server, root, source.Path);

            var tree = new RemoteTree(root);
            Assert.AreEqual($"releases/{second}", tree.CurrentLink);
            Assert.IsFalse(File.Exists(tree.ReleasePath(second, "ro/old.txt")), "the removed file is gone, though its folder is read-only now");
            Assert.AreEqual("555", Mode(tree.ReleasePath(second, "ro")));
            Assert.AreEqual("old", File.ReadAllText(tree.ReleasePath(first, "ro/old.txt")), "the previous release is untouched");
        }
        finally
        {
            ProcessRunner.Check("chmod", "-R", "u+w", source.Path);
        }
    }

    private static void ChangeReadOnly(SourceFolder source, Action change)
    {
        // The tests may run unprivileged: make the source folders writable only while changing them.
        ProcessRunner.Check("chmod", "u+w", Path.Combine(source.Path, "ro"), Path.Combine(source.Path, "ro/deep"));
        change();
        ProcessRunner.Check("chmod", "0555", Path.Combine(source.Path, "ro"), Path.Combine(source.Path, "ro/deep"));
    }

    private static string Mode(string path) => ProcessRunner.Check("stat", "-c", "%a", path).Trim();
}
