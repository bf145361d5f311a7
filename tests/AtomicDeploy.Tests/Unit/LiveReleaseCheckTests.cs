using AtomicDeploy.Core.Manifest;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class LiveReleaseCheckTests
{
    private static readonly string Hash = new('a', 64);

    private static readonly ReleaseManifest Recorded = new(
    [
        new ManifestEntry("app.dll", false, 3, Hash, 420),
        new ManifestEntry("lib.dll", false, 5, Hash, 420),
        new ManifestEntry("run.sh", false, 7, Hash, 493),
        new ManifestEntry("wwwroot", true, 0, string.Empty, 493),
    ]);

    [TestMethod]
    public void An_intact_release_is_its_manifest()
    {
        var effective = LiveReleaseCheck.Effective(Recorded, "f 3 644 app.dll\0f 5 644 lib.dll\0f 7 755 run.sh\0d 4096 755 wwwroot\0", out var repaired);

        Assert.AreEqual(0, repaired);
        CollectionAssert.AreEqual(Recorded.Entries.ToArray(), effective.Entries.ToArray());
    }

    [TestMethod]
    public void Missing_changed_and_unlisted_entries_are_resent_or_removed_by_the_diff()
    {
        var listing = "f 3 644 app.dll\0f 9 644 run.sh\0d 4096 755 wwwroot\0f 12 644 wwwroot/runtime.log\0";
        var effective = LiveReleaseCheck.Effective(Recorded, listing, out var repaired);
        var published = new ReleaseManifest(Recorded.Entries);

        var diff = ManifestDiff.Compute(effective, published);

        Assert.AreEqual(3, repaired);
        CollectionAssert.AreEqual(new[] { "lib.dll" }, diff.Added.Select(e => e.Path).ToArray(), "a file missing from the live release is sent");
        CollectionAssert.AreEqual(new[] { "run.sh" }, diff.Changed.Select(e => e.Path).ToArray(), "a file of another size is replaced");
        CollectionAssert.AreEqual(new[] { "wwwroot/runtime.log" }, diff.Removed.ToArray(), "a file the app wrote into its release is not carried over");
    }

    [TestMethod]
    public void A_mode_changed_on_the_server_is_put_back()
    {
        var effective = LiveReleaseCheck.Effective(Recorded, "f 3 600 app.dll\0f 5 644 lib.dll\0f 7 755 run.sh\0d 4096 755 wwwroot\0", out var repaired);

        var diff = ManifestDiff.Compute(effective, new ReleaseManifest(Recorded.Entries));

        Assert.AreEqual(1, repaired);
        CollectionAssert.Contains(diff.ToDelete.ToArray(), "app.dll", "replaced, never chmod-ed through the hard link");
        CollectionAssert.Contains(diff.ToSend.Select(e => e.Path).ToArray(), "app.dll");
    }

    [TestMethod]
    public void Records_with_paths_that_leave_the_release_are_ignored()
    {
        var effective = LiveReleaseCheck.Effective(ReleaseManifest.Empty, "f 1 644 ../../etc/passwd\0f 1 644 /abs\0garbage\0", out var repaired);

        Assert.AreEqual(0, repaired);
        Assert.IsEmpty(effective.Entries);
    }

    [TestMethod]
    public void A_path_with_spaces_is_read_whole_and_a_record_with_a_mode_that_is_not_octal_is_skipped()
    {
        var effective = LiveReleaseCheck.Effective(ReleaseManifest.Empty, "f 3 644 my app  v2.dll\0f 1 648 bad.dll\0f x 644 bad2.dll\0f 1 644\0", out var repaired);

        var entry = Assert.ContainsSingle(effective.Entries);
        Assert.AreEqual(("my app  v2.dll", 3L, 420), (entry.Path, entry.Size, entry.Mode));
        Assert.AreEqual(1, repaired);
    }

    [TestMethod]
    public void An_intact_release_keeps_the_recorded_manifest_itself()
    {
        var effective = LiveReleaseCheck.Effective(Recorded, "f 3 644 app.dll\0f 5 644 lib.dll\0f 7 755 run.sh\0d 4096 755 wwwroot\0", out _);

        Assert.AreSame(Recorded, effective);
    }

    [TestMethod]
    public void A_path_listed_twice_is_one_entry_as_its_last_record()
    {
        var listing = "f 3 644 app.dll\0f 5 644 lib.dll\0f 7 755 run.sh\0d 4096 755 wwwroot\0f 9 644 app.dll\0f 1 644 extra\0f 2 644 extra\0";

        var effective = LiveReleaseCheck.Effective(Recorded, listing, out var repaired);

        Assert.AreEqual(2, repaired, "app.dll as last listed (another size), and extra");
        Assert.AreEqual(9L, effective.ByPath["app.dll"].Size);
        Assert.AreEqual(2L, effective.ByPath["extra"].Size);
        Assert.AreEqual(5, effective.Entries.Count);
    }

    [TestMethod]
    public void Every_entry_of_a_large_listing_is_found_in_any_order()
    {
        var entries = Enumerable.Range(0, 5000).Select(i => new ManifestEntry($"wwwroot/s{i % 17}/f{i}.js", false, i, Hash, 420)).ToList();
        var recorded = new ReleaseManifest(entries);
        var listing = string.Concat(entries.AsEnumerable().Reverse().Select(e => $"f {e.Size} 644 {e.Path}\0"));

        Assert.AreSame(recorded, LiveReleaseCheck.Effective(recorded, listing, out var repaired));
        Assert.AreEqual(0, repaired);

        var changed = LiveReleaseCheck.Effective(recorded, listing.Replace("f 4321 644 ", "f 1 644 ", StringComparison.Ordinal), out repaired);
        Assert.AreEqual(1, repaired);
        Assert.AreEqual(1L, changed.ByPath["wwwroot/s3/f4321.js"].Size);
    }
}
