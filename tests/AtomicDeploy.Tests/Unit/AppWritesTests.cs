using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Planning;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class AppWritesTests
{
    private static readonly string Hash = new('a', 64);

    private static readonly ReleaseManifest Recorded = new(
    [
        new ManifestEntry("app.dll", false, 3, Hash, 420),
        new ManifestEntry("appsettings.json", false, 7, Hash, 420),
        new ManifestEntry("wwwroot", true, 0, string.Empty, 493),
        new ManifestEntry("wwwroot/Posts", true, 0, string.Empty, 493),
        new ManifestEntry("wwwroot/Posts/sample.md", false, 6, Hash, 420),
    ]);

    [TestMethod]
    public void Added_entries_and_files_of_another_size_are_named_in_path_order()
    {
        var writes = AppWrites.Find(Recorded, "f 3 644 app.dll\0f 9 644 appsettings.json\0d 4096 755 wwwroot\0d 4096 755 logs\0f 1 644 logs/a.log\0f 1 644 app.log\0");

        CollectionAssert.AreEqual(new[] { "app.log", "logs/", "logs/a.log" }, writes.Added.ToArray());
        CollectionAssert.AreEqual(new[] { "appsettings.json" }, writes.Changed.ToArray());
    }

    [TestMethod]
    public void Writes_under_a_path_declared_shared_are_carried_over_so_not_named()
    {
        var shared = SharedPathList.Parse(["logs/", "appsettings.json"]);

        var writes = AppWrites.Find(Recorded, "f 3 644 app.dll\0f 9 644 appsettings.json\0d 4096 755 wwwroot\0d 4096 755 logs\0f 1 644 logs/a.log\0f 1 644 app.log\0", shared.Covers);

        CollectionAssert.AreEqual(new[] { "app.log" }, writes.Added.ToArray());
        Assert.IsEmpty(writes.Changed);
    }

    [TestMethod]
    public void Files_missing_from_the_live_release_are_not_app_writes()
    {
        Assert.IsTrue(AppWrites.Find(Recorded, "f 3 644 app.dll\0f 7 644 appsettings.json\0d 4096 755 wwwroot\0").None);
    }

    [TestMethod]
    public void Names_shows_the_first_twenty_and_a_count()
    {
        var paths = Enumerable.Range(1, 23).Select(i => $"f{i:D2}").ToArray();
        Assert.AreEqual(string.Join(", ", paths.Take(20)) + " and 3 more", AppWrites.Names(paths));
    }

    [TestMethod]
    public void A_published_file_under_a_declared_shared_path_that_the_live_release_links_is_kept_as_recorded()
    {
        var shared = SharedPathList.Parse(["wwwroot/Posts/"]);
        var effective = LiveReleaseCheck.Effective(Recorded, "f 3 644 app.dll\0f 7 644 appsettings.json\0d 4096 755 wwwroot\0", out var repaired, shared.Covers);

        Assert.AreEqual(0, repaired, "the folder is a link to shared/: nothing is missing");
        Assert.IsTrue(ManifestDiff.Compute(effective, Recorded).BytesToSend == 0, "and nothing is sent again");
    }

    [TestMethod]
    public void Covers_and_IsAbove_follow_the_declared_paths()
    {
        var shared = SharedPathList.Parse(["wwwroot/Posts/", "Data/app.db"]);
        Assert.IsTrue(shared.Covers("wwwroot/Posts"));
        Assert.IsTrue(shared.Covers("wwwroot/Posts/a.md"));
        Assert.IsFalse(shared.Covers("wwwroot/PostsOld/a.md"));
        Assert.IsTrue(shared.Covers("Data/app.db"));
        Assert.IsFalse(shared.Covers("Data/other.db"));
        Assert.IsTrue(shared.IsAbove("wwwroot"));
        Assert.IsTrue(shared.IsAbove("Data"));
        Assert.IsFalse(shared.IsAbove("wwwroot/Posts"));
    }
}
