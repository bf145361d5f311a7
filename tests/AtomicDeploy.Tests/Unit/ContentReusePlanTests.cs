using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Remote;
using AtomicDeploy.Core.Upload;

namespace AtomicDeploy.Tests.Unit;

/// <summary>Issue 18: which files an upload takes from the host's kept releases instead of sending them.</summary>
[TestClass]
public sealed class ContentReusePlanTests
{
    private const int FileMode = 0b110_100_100; // 0644
    private const string Live = "20261202100000";
    private const string Older = "20261201100000";
    private const string Oldest = "20261130100000";
    private static readonly string HashA = new('a', 64);
    private static readonly string HashB = new('b', 64);

    [TestMethod]
    public void A_renamed_file_is_taken_from_the_live_release_under_its_old_name()
    {
        var live = Manifest(File("wwwroot/app.111.js", HashA, 500));
        var next = Manifest(File("wwwroot/app.222.js", HashA, 500));

        var reused = ContentReuse.Plan(ManifestDiff.Compute(live, next), KeptContent.Of(Live, live, []));

        var file = Assert.ContainsSingle(reused);
        Assert.AreEqual("wwwroot/app.222.js", file.Entry.Path);
        Assert.AreEqual($"releases/{Live}/wwwroot/app.111.js", file.Source);
    }

    [TestMethod]
    public void Content_only_an_older_release_has_is_taken_from_it_the_live_release_preferred_then_the_newest()
    {
        var live = Manifest(File("app.dll", HashB, 7));
        var next = Manifest(File("app.dll", HashA, 9));
        KeptFile[] older = [new(Oldest, "app.dll", 9, HashA, FileMode), new(Older, "bin/app.dll", 9, HashA, FileMode)];

        var reused = ContentReuse.Plan(ManifestDiff.Compute(live, next), KeptContent.Of(Live, live, older));

        Assert.AreEqual($"releases/{Older}/bin/app.dll", Assert.ContainsSingle(reused).Source);
    }

    [TestMethod]
    public void A_source_of_another_size_or_a_file_whose_hash_is_not_known_yet_is_sent()
    {
        var live = Manifest(File("data.bin", HashB, 5));
        var next = Manifest(File("data.copy", HashB, 6), File("new.css", ManifestEntry.HashedWhileSending, 5));

        var reused = ContentReuse.Plan(ManifestDiff.Compute(live, next), KeptContent.Of(Live, live, []));

        Assert.IsEmpty(reused, "a forged size would not match anyway, and an unknown hash names no source");
    }

    [TestMethod]
    public void A_source_of_another_mode_is_copied_and_given_the_mode_never_hard_linked_and_one_of_the_same_mode_is_preferred()
    {
        var live = Manifest(new ManifestEntry("tool", false, 5, HashA, 0b111_101_101), new ManifestEntry("MyShop.dll", false, 5, HashB, 0b111_100_100));
        var next = Manifest(File("tool", HashA, 5), File("MyShop.dll", HashB, 5));

        var reused = ContentReuse.Plan(ManifestDiff.Compute(live, next), KeptContent.Of(Live, live, [new(Older, "old/MyShop.dll", 5, HashB, FileMode)]));

        CollectionAssert.AreEquivalent(
            new[] { new ReusedFile(next.ByPath["tool"], $"releases/{Live}/tool", SameMode: false), new ReusedFile(next.ByPath["MyShop.dll"], $"releases/{Older}/old/MyShop.dll", SameMode: true) },
            reused.ToArray(),
            "a mode change alone (a Linux build after a Windows one) sends no bytes; a hard link would change the live file's mode too");
        StringAssert.Contains(System.Text.Encoding.UTF8.GetString(ContentReuse.ListText(reused)), $"{HashA}\t644\tcp\treleases/{Live}/tool\ttool\n");
    }

    [TestMethod]
    public void A_path_the_server_list_cannot_carry_on_one_line_is_sent()
    {
        var live = Manifest(File("a.js", HashA, 5), File("b\\c.js", HashB, 5));
        var next = Manifest(File("a\tcopy.js", HashA, 5), File("d.js", HashB, 5));

        var reused = ContentReuse.Plan(ManifestDiff.Compute(live, next), KeptContent.Of(Live, live, []));

        Assert.IsEmpty(reused);
    }

    [TestMethod]
    public void A_shared_stream_leaves_out_only_what_every_host_of_the_group_can_reuse()
    {
        var live = Manifest(File("a.js", HashA, 5));
        var next = Manifest(File("a2.js", HashA, 5), File("b2.js", HashB, 5));
        var diff = ManifestDiff.Compute(live, next);
        var both = ContentReuse.Plan(diff, KeptContent.Of(Live, live, [new(Older, "b.js", 5, HashB, FileMode)]));
        var liveOnly = ContentReuse.Plan(diff, KeptContent.Of(Live, live, []));

        var common = ContentReuse.Common([both, liveOnly]);

        Assert.HasCount(2, both);
        Assert.AreEqual("a2.js", Assert.ContainsSingle(common).Entry.Path);
        Assert.IsEmpty(ContentReuse.Common([both, []]));
    }

    [TestMethod]
    public void The_archive_leaves_the_reused_file_out_and_carries_the_list_the_server_reads()
    {
        using var source = new TempFolder();
        System.IO.File.WriteAllText(source.Combine("a2.js"), "hello");
        System.IO.File.WriteAllText(source.Combine("new.txt"), "new");
        var next = PublishFolderScanner.Scan(source.Path, null, new RecordingLog(), CancellationToken.None);
        var live = Manifest(new ManifestEntry("a.js", false, 5, next.ByPath["a2.js"].Sha256, next.ByPath["a2.js"].Mode));
        var diff = ManifestDiff.Compute(live, next);
        var reused = ContentReuse.Plan(diff, KeptContent.Of(Live, live, []));
        using var output = new MemoryStream();

        ReleaseArchive.Write(output, source.Path, "20261202110000", diff, reused, next, ArchiveCompression.Gzip, new RecordingLog(), CancellationToken.None);

        var entries = Entries(output.ToArray());
        CollectionAssert.AreEqual(new[] { "releases/20261202110000/new.txt", RemoteScripts.DeletionListPath("20261202110000"), ReuseScripts.ListPath("20261202110000"), ".atomicdeploy/manifests/20261202110000.json" }, entries.Keys.ToArray());
        Assert.AreEqual("a.js", entries[RemoteScripts.DeletionListPath("20261202110000")], "the old name goes after the upload lands, from the archive");
        Assert.AreEqual($"{next.ByPath["a2.js"].Sha256}\t{Convert.ToString(next.ByPath["a2.js"].Mode, 8)}\tln\treleases/{Live}/a.js\ta2.js\n", entries[ReuseScripts.ListPath("20261202110000")]);
        StringAssert.Contains(entries[".atomicdeploy/manifests/20261202110000.json"], "\"path\":\"a2.js\"", "the manifest still lists the reused file");
    }

    [TestMethod]
    public void A_new_file_of_a_size_the_server_holds_is_hashed_before_the_upload_and_others_are_not()
    {
        using var source = new TempFolder();
        System.IO.File.WriteAllText(source.Combine("renamed.js"), "12345");
        System.IO.File.WriteAllText(source.Combine("new.js"), "123456");

        var next = PublishFolderScanner.Scan(source.Path, null, Manifest(File("other.js", HashA, 1)), new RecordingLog(), CancellationToken.None, keptSizes: new HashSet<long> { 5 });

        Assert.AreEqual(64, next.ByPath["renamed.js"].Sha256.Length);
        Assert.AreEqual(ManifestEntry.HashedWhileSending, next.ByPath["new.js"].Sha256);
    }

    [TestMethod]
    public void The_state_lists_kept_files_and_skips_lines_that_are_not_plain_files_of_a_release()
    {
        var record = $"\"path\":\"wwwroot/a\\u002Bb.js\",\"type\":\"f\",\"size\":5,\"sha256\":\"{HashA}\",\"mode\":420";
        var output = "atomicdeploy-state 1\nlive releases/" + Live + "\n" + RemoteState.KeptMarker + "verify sha256sum\n"
            + $"{Older} {record}\n"
            + $"{Older} \"path\":\"../etc/passwd\",\"type\":\"f\",\"size\":5,\"sha256\":\"{HashA}\",\"mode\":420\n"
            + $"{Older} \"path\":\"x\",\"type\":\"f\",\"size\":5,\"sha256\":\"{HashA.ToUpperInvariant()}\",\"mode\":420\n"
            + $"junk {record}\n";

        var state = RemoteState.Parse(output, "web1");

        Assert.AreEqual(Live, state.LiveRelease);
        var kept = Assert.ContainsSingle(state.KeptElsewhere!);
        Assert.AreEqual(new KeptFile(Older, "wwwroot/a+b.js", 5, HashA, FileMode), kept);
        Assert.IsNull(RemoteState.Parse("atomicdeploy-state 1\nlive \n" + RemoteState.KeptMarker, "web1").KeptElsewhere, "no sha256sum there: nothing is reused");
    }

    private static ManifestEntry File(string path, string hash, long size) => new(path, false, size, hash, FileMode);

    private static ReleaseManifest Manifest(params ManifestEntry[] entries) => new(entries);

    private static Dictionary<string, string> Entries(byte[] upload)
    {
        var newline = Array.IndexOf(upload, (byte)'\n');
        using var gzip = new GZipStream(new MemoryStream(upload, newline + 1, upload.Length - newline - 1), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var entries = new Dictionary<string, string>();
        while (tar.GetNextEntry() is { } entry)
        {
            using var reader = new StreamReader(entry.DataStream ?? new MemoryStream(), Encoding.UTF8);
            entries[entry.Name] = reader.ReadToEnd();
        }

        return entries;
    }
}
