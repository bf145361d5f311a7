using AtomicDeploy.Core.Manifest;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class ManifestDiffTests
{
    private const int FileMode = 0b110_100_100; // 0644
    private const int ExecutableMode = 0b111_101_101; // 0755
    private const int FolderMode = 0b111_101_101; // 0755

    [TestMethod]
    public void A_file_only_in_the_new_release_is_added_and_sent()
    {
        var live = Manifest(File("app.dll", "aa", 10));
        var next = Manifest(File("app.dll", "aa", 10), File("app.pdb", "bb", 20));

        var diff = ManifestDiff.Compute(live, next);

        Assert.AreEqual("app.pdb", Assert.ContainsSingle(diff.Added).Path);
        CollectionAssert.AreEqual(new[] { "app.pdb" }, Paths(diff.ToSend));
        Assert.IsEmpty(diff.ToDelete);
        Assert.AreEqual(1, diff.Unchanged);
        Assert.AreEqual(20L, diff.BytesToSend);
    }

    [TestMethod]
    [DataRow(10L, "bb", DisplayName = "same size, other content")]
    [DataRow(11L, "aa", DisplayName = "other size")]
    public void A_file_whose_content_changed_is_sent_and_deleted_first_so_it_gets_a_new_inode(long newSize, string newHash)
    {
        var live = Manifest(File("app.dll", "aa", 10));
        var next = Manifest(File("app.dll", newHash, newSize));

        var diff = ManifestDiff.Compute(live, next);

        Assert.AreEqual("app.dll", Assert.ContainsSingle(diff.Changed).Path);
        Assert.IsEmpty(diff.Added);
        Assert.IsEmpty(diff.ModeChanged);
        Assert.IsEmpty(diff.Removed);
        CollectionAssert.AreEqual(new[] { "app.dll" }, Paths(diff.ToSend));
        CollectionAssert.AreEqual(new[] { "app.dll" }, diff.ToDelete.ToArray());
        Assert.AreEqual(newSize, diff.BytesToSend);
        Assert.AreEqual(0, diff.Unchanged);
    }

    [TestMethod]
    public void A_file_whose_only_mode_changed_is_sent_again_and_deleted_first_so_the_live_release_keeps_its_mode()
    {
        var live = Manifest(File("HelloWeb", "aa", 100, FileMode));
        var next = Manifest(File("HelloWeb", "aa", 100, ExecutableMode));

        var diff = ManifestDiff.Compute(live, next);

        var entry = Assert.ContainsSingle(diff.ModeChanged);
        Assert.AreEqual(ExecutableMode, entry.Mode);
        Assert.IsEmpty(diff.Changed);
        Assert.IsEmpty(diff.Added);
        CollectionAssert.AreEqual(new[] { "HelloWeb" }, Paths(diff.ToSend));
        CollectionAssert.AreEqual(new[] { "HelloWeb" }, diff.ToDelete.ToArray());
        Assert.AreEqual(100L, diff.BytesToSend);
    }

    [TestMethod]
    public void A_folder_whose_only_mode_changed_is_sent_but_not_deleted()
    {
        var live = Manifest(Folder("wwwroot", FolderMode), File("wwwroot/index.html", "aa", 5));
        var next = Manifest(Folder("wwwroot", 0b111_000_000), File("wwwroot/index.html", "aa", 5));

        var diff = ManifestDiff.Compute(live, next);

        Assert.AreEqual("wwwroot", Assert.ContainsSingle(diff.ModeChanged).Path);
        CollectionAssert.AreEqual(new[] { "wwwroot" }, Paths(diff.ToSend));
        Assert.IsEmpty(diff.ToDelete, "deleting the folder would delete its unchanged content");
        Assert.AreEqual(0L, diff.BytesToSend);
        Assert.AreEqual(1, diff.Unchanged);
    }

    [TestMethod]
    public void A_file_the_new_release_lacks_is_removed_and_not_sent()
    {
        var live = Manifest(File("old.dll", "aa", 10), File("app.dll", "bb", 10));
        var next = Manifest(File("app.dll", "bb", 10));

        var diff = ManifestDiff.Compute(live, next);

        CollectionAssert.AreEqual(new[] { "old.dll" }, diff.Removed.ToArray());
        CollectionAssert.AreEqual(new[] { "old.dll" }, diff.ToDelete.ToArray());
        Assert.IsEmpty(diff.ToSend);
        Assert.AreEqual(0L, diff.BytesToSend);
    }

    [TestMethod]
    public void A_folder_the_new_release_lacks_is_removed_with_its_content()
    {
        var live = Manifest(Folder("logs"), File("logs/a.txt", "aa", 1), File("app.dll", "bb", 2));
        var next = Manifest(File("app.dll", "bb", 2));

        var diff = ManifestDiff.Compute(live, next);

        CollectionAssert.AreEqual(new[] { "logs", "logs/a.txt" }, diff.Removed.ToArray());
        CollectionAssert.AreEqual(new[] { "logs", "logs/a.txt" }, diff.ToDelete.ToArray());
        Assert.AreEqual(1, diff.FilesRemoved, "one file; the folder is not counted");
    }

    [TestMethod]
    public void Identical_manifests_send_and_delete_nothing_and_count_every_file_unchanged_but_no_folder()
    {
        var live = Manifest(Folder("wwwroot"), File("wwwroot/site.css", "aa", 3), File("app.dll", "bb", 4));
        var next = Manifest(Folder("wwwroot"), File("wwwroot/site.css", "aa", 3), File("app.dll", "bb", 4));

        var diff = ManifestDiff.Compute(live, next);

        Assert.IsEmpty(diff.Added);
        Assert.IsEmpty(diff.Changed);
        Assert.IsEmpty(diff.ModeChanged);
        Assert.IsEmpty(diff.Removed);
        Assert.IsEmpty(diff.ToSend);
        Assert.IsEmpty(diff.ToDelete);
        Assert.AreEqual(2, diff.Unchanged, "two files; the folder is not counted");
        Assert.AreEqual(0L, diff.BytesToSend);
    }

    [TestMethod]
    public void A_first_deploy_sends_everything_and_deletes_nothing()
    {
        var next = Manifest(Folder("wwwroot"), File("wwwroot/site.css", "aa", 3), File("app.dll", "bb", 4));

        var diff = ManifestDiff.Compute(ReleaseManifest.Empty, next);

        CollectionAssert.AreEqual(new[] { "app.dll", "wwwroot", "wwwroot/site.css" }, Paths(diff.Added));
        CollectionAssert.AreEqual(new[] { "app.dll", "wwwroot", "wwwroot/site.css" }, Paths(diff.ToSend));
        Assert.IsEmpty(diff.ToDelete);
        Assert.AreEqual(7L, diff.BytesToSend);
        Assert.AreEqual(0, diff.Unchanged);
    }

    [TestMethod]
    public void A_file_that_becomes_a_folder_is_removed_and_added()
    {
        var live = Manifest(File("data", "aa", 10));
        var next = Manifest(Folder("data"), File("data/seed.json", "bb", 20));

        var diff = ManifestDiff.Compute(live, next);

        CollectionAssert.AreEqual(new[] { "data" }, diff.Removed.ToArray());
        CollectionAssert.AreEqual(new[] { "data" }, diff.ToDelete.ToArray());
        CollectionAssert.AreEqual(new[] { "data", "data/seed.json" }, Paths(diff.Added));
        Assert.IsTrue(diff.ToSend[0].IsDirectory, "the new folder is sent before its content");
        Assert.IsEmpty(diff.Changed);
        Assert.IsEmpty(diff.ModeChanged);
        Assert.AreEqual(20L, diff.BytesToSend);
    }

    [TestMethod]
    public void A_folder_that_becomes_a_file_is_removed_with_its_content_and_the_file_added()
    {
        var live = Manifest(Folder("data"), File("data/seed.json", "bb", 20));
        var next = Manifest(File("data", "aa", 10));

        var diff = ManifestDiff.Compute(live, next);

        CollectionAssert.AreEqual(new[] { "data", "data/seed.json" }, diff.Removed.ToArray());
        CollectionAssert.AreEqual(new[] { "data", "data/seed.json" }, diff.ToDelete.ToArray());
        var added = Assert.ContainsSingle(diff.Added);
        Assert.AreEqual("data", added.Path);
        Assert.IsFalse(added.IsDirectory);
        Assert.IsEmpty(diff.Changed);
        Assert.AreEqual(10L, diff.BytesToSend);
    }

    [TestMethod]
    public void Entries_to_send_are_in_path_order_with_each_folder_before_its_content()
    {
        var live = Manifest(
            Folder("wwwroot"),
            File("wwwroot/old.css", "aa", 1),
            File("wwwroot/run.sh", "bb", 2, FileMode),
            File("z.dll", "cc", 3));
        var next = Manifest(
            File("z.dll", "c2", 3),
            File("wwwroot/run.sh", "bb", 2, ExecutableMode),
            Folder("wwwroot"),
            Folder("wwwroot/css"),
            File("wwwroot/css/site.css", "dd", 4),
            File("wwwroot/a b.txt", "ee", 5),
            File("wwwroot-extra.txt", "ff", 6),
            Folder("a"),
            File("a/b.txt", "gg", 7));

        var diff = ManifestDiff.Compute(live, next);

        // Ordinal order puts "wwwroot-extra.txt" ('-' < '/') before "wwwroot/...", and every folder before its content.
        CollectionAssert.AreEqual(
            new[] { "a", "a/b.txt", "wwwroot-extra.txt", "wwwroot/a b.txt", "wwwroot/css", "wwwroot/css/site.css", "wwwroot/run.sh", "z.dll" },
            Paths(diff.ToSend));
        Assert.AreEqual(3L + 2 + 4 + 5 + 6 + 7, diff.BytesToSend);
    }

    [TestMethod]
    public void Entries_to_delete_are_removed_changed_and_mode_changed_files_in_path_order()
    {
        var live = Manifest(
            File("b.dll", "aa", 1),
            File("a.sh", "bb", 2, FileMode),
            File("c.txt", "cc", 3),
            File("d.txt", "dd", 4));
        var next = Manifest(
            File("b.dll", "a2", 1),
            File("a.sh", "bb", 2, ExecutableMode),
            File("d.txt", "dd", 4));

        var diff = ManifestDiff.Compute(live, next);

        CollectionAssert.AreEqual(new[] { "a.sh", "b.dll", "c.txt" }, diff.ToDelete.ToArray());
        Assert.AreEqual(1, diff.Unchanged);
    }

    [TestMethod]
    public void Only_removed_paths_clear_of_anything_sent_are_deleted_after_the_upload_lands()
    {
        var live = Manifest(File("a.txt", "aa", 1), File("b.txt", "bb", 1), Folder("dir"), File("dir/x", "cc", 1), Folder("old"), File("old/y", "dd", 1), Folder("wwwroot"), File("wwwroot/site.1a.css", "ee", 1));
        var next = Manifest(File("a.txt", "a2", 1), File("dir", "ff", 1), Folder("wwwroot"), File("wwwroot/site.2b.css", "ee", 1));

        var (first, after) = ManifestDiff.Compute(live, next).DeletionOrder();

        // a.txt is sent again; dir becomes a file, and what was under it goes with it, before the file lands.
        CollectionAssert.AreEqual(new[] { "a.txt", "dir", "dir/x" }, first.ToArray());
        CollectionAssert.AreEqual(new[] { "b.txt", "old", "old/y", "wwwroot/site.1a.css" }, after.ToArray());
    }

    [TestMethod]
    public void A_removed_file_in_a_folder_whose_mode_is_sent_is_deleted_before_the_unpack_sets_that_mode()
    {
        var live = Manifest(Folder("ro"), File("ro/old.txt", "aa", 1), File("ro/data.txt", "bb", 1));
        var next = Manifest(Folder("ro", 0b101_101_101), File("ro/data.txt", "bb", 1));

        var (first, after) = ManifestDiff.Compute(live, next).DeletionOrder();

        CollectionAssert.AreEqual(new[] { "ro/old.txt" }, first.ToArray());
        Assert.IsEmpty(after);
    }

    private static ReleaseManifest Manifest(params ManifestEntry[] entries) => new(entries);

    private static ManifestEntry File(string path, string sha256, long size, int mode = FileMode) => new(path, false, size, sha256, mode);

    private static ManifestEntry Folder(string path, int mode = FolderMode) => new(path, true, 0, string.Empty, mode);

    private static string[] Paths(IEnumerable<ManifestEntry> entries) => entries.Select(e => e.Path).ToArray();
}
