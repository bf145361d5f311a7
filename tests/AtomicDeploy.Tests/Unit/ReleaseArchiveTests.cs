using System.Formats.Tar;
using System.Text;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Remote;
using AtomicDeploy.Core.Upload;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class ReleaseArchiveTests
{
    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public void The_stream_is_a_deletion_line_then_a_compressed_tar_that_the_upload_script_unpacks_under_the_release(ArchiveCompression compression)
    {
        using var source = new TempFolder();
        File.WriteAllText(source.Combine("app.dll"), "new");
        Directory.CreateDirectory(source.Combine("wwwroot"));
        File.WriteAllText(source.Combine("wwwroot", "a b.css"), "css");
        var next = PublishFolderScanner.Scan(source.Path, null, new RecordingLog(), CancellationToken.None);
        var live = new ReleaseManifest([new ManifestEntry("app.dll", false, 3, new string('0', 64), 420), new ManifestEntry("old.txt", false, 1, new string('1', 64), 420)]);
        var diff = ManifestDiff.Compute(live, next);
        using var output = new MemoryStream();

        ReleaseArchive.Write(output, source.Path, "20261127121500", diff, next, compression, new RecordingLog(), CancellationToken.None);

        var bytes = output.ToArray();
        var newline = Array.IndexOf(bytes, (byte)'\n');
        var deletions = Encoding.UTF8.GetString(Convert.FromBase64String(Encoding.ASCII.GetString(bytes, 0, newline)));
        CollectionAssert.AreEqual(new[] { "app.dll" }, deletions.Split('\0'), "the replaced file goes before the archive lands; the removed one after it");
        using var target = new TempFolder();
        Directory.CreateDirectory(target.Combine("releases", "20261127121500"));
        var unpacked = Unpack(target, bytes, compression);
        Assert.AreEqual(0, unpacked.ExitCode, unpacked.Error);
        Assert.AreEqual("new", File.ReadAllText(target.Combine("releases", "20261127121500", "app.dll")));
        Assert.AreEqual("css", File.ReadAllText(target.Combine("releases", "20261127121500", "wwwroot", "a b.css")));
        Assert.IsTrue(File.Exists(target.Combine(".atomicdeploy", "manifests", "20261127121500.json")));
        Assert.IsFalse(File.Exists(target.Combine(RemoteScripts.DeletionListPath("20261127121500"))));
    }

    [TestMethod]
    public void Removed_paths_travel_in_the_archive_and_go_after_it_lands_while_replaced_ones_go_first()
    {
        using var source = new TempFolder();
        File.WriteAllText(source.Combine("a.txt"), "new a");
        File.WriteAllText(source.Combine("dir"), "now a file");
        var next = PublishFolderScanner.Scan(source.Path, null, new RecordingLog(), CancellationToken.None);
        var live = new ReleaseManifest([
            new ManifestEntry("a.txt", false, 5, new string('0', 64), 420),
            new ManifestEntry("b.txt", false, 5, new string('1', 64), 420),
            new ManifestEntry("dir", true, 0, string.Empty, 493),
            new ManifestEntry("dir/x", false, 5, new string('2', 64), 420),
            new ManifestEntry("old", true, 0, string.Empty, 493),
            new ManifestEntry("old/y", false, 5, new string('3', 64), 420)]);
        using var target = new TempFolder();
        var release = target.Combine("releases", "20261127121500");
        foreach (var (path, content) in new[] { ("a.txt", "old a"), ("b.txt", "old b"), ("dir/x", "old x"), ("old/y", "old y") })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(release, path))!);
            File.WriteAllText(Path.Combine(release, path), content);
        }

        using var output = new MemoryStream();
        ReleaseArchive.Write(output, source.Path, "20261127121500", ManifestDiff.Compute(live, next), [], next, ArchiveCompression.Gzip, new RecordingLog(), CancellationToken.None);

        var bytes = output.ToArray();
        var newline = Array.IndexOf(bytes, (byte)'\n');
        CollectionAssert.AreEqual(new[] { "a.txt", "dir", "dir/x" }, Encoding.UTF8.GetString(Convert.FromBase64String(Encoding.ASCII.GetString(bytes, 0, newline))).Split('\0'));
        var unpacked = Unpack(target, bytes, ArchiveCompression.Gzip);
        Assert.AreEqual(0, unpacked.ExitCode, unpacked.Error);
        Assert.AreEqual("new a", File.ReadAllText(Path.Combine(release, "a.txt")));
        Assert.AreEqual("now a file", File.ReadAllText(Path.Combine(release, "dir")));
        CollectionAssert.AreEquivalent(new[] { "a.txt", "dir" }, Directory.GetFileSystemEntries(release).Select(Path.GetFileName).ToArray(), "b.txt and old/ were removed after the archive landed");
        Assert.IsFalse(File.Exists(target.Combine(RemoteScripts.DeletionListPath("20261127121500"))), "the list is not left behind");
    }

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public void A_file_that_disappears_fails_with_AD0003_and_leaves_an_archive_the_server_rejects(ArchiveCompression compression)
    {
        using var source = new TempFolder();
        File.WriteAllText(source.Combine("first.dll"), new string('a', 100_000));
        File.WriteAllText(source.Combine("second.dll"), "b");
        var next = PublishFolderScanner.Scan(source.Path, null, new RecordingLog(), CancellationToken.None);
        File.Delete(source.Combine("second.dll"));
        using var output = new MemoryStream();

        var failure = Assert.ThrowsExactly<DeployException>(() =>
            ReleaseArchive.Write(output, source.Path, "20261127121500", ManifestDiff.Compute(ReleaseManifest.Empty, next), next, compression, new RecordingLog(), CancellationToken.None));

        Assert.AreEqual(ErrorCodes.SourceMissing, failure.Code);
        StringAssert.Contains(failure.Message, "second.dll");
        using var target = new TempFolder();
        Directory.CreateDirectory(target.Combine("releases", "20261127121500"));
        Assert.AreNotEqual(0, Unpack(target, output.ToArray(), compression).ExitCode, "a truncated upload is never a valid archive");
    }

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public void An_upload_that_fails_where_a_member_and_a_tar_entry_end_together_fails_on_the_server(ArchiveCompression compression)
    {
        // GNU tar takes an archive that stops after a whole entry as complete (exit code 0), so only
        // the decompressor's exit code, which the upload script checks, can tell that more should have come.
        using var target = new TempFolder();
        Directory.CreateDirectory(target.Combine("releases", "20261127121500"));
        using var stream = new MemoryStream();
        stream.Write("\n"u8);
        var compressed = new AdaptiveCompressionStream(stream, compression);
        var tar = new TarWriter(compressed, TarEntryFormat.Pax, leaveOpen: true);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "releases/20261127121500/first.dll") { DataStream = new MemoryStream(new byte[1000]) });
        compressed.Finish();
        compressed.Spoil();

        var unpacked = Unpack(target, stream.ToArray(), compression);

        Assert.IsTrue(File.Exists(target.Combine("releases", "20261127121500", "first.dll")), "the entry before the failure was unpacked (so tar itself saw nothing wrong)");
        Assert.AreNotEqual(0, unpacked.ExitCode, "the upload script fails");
    }

    [TestMethod]
    public void A_file_rewritten_at_the_same_size_after_the_scan_fails_with_AD0003_instead_of_keeping_the_scanned_hash()
    {
        using var source = new TempFolder();
        File.WriteAllText(source.Combine("app.dll"), "one");
        var next = PublishFolderScanner.Scan(source.Path, null, new RecordingLog(), CancellationToken.None);
        File.WriteAllText(source.Combine("app.dll"), "two");
        using var output = new MemoryStream();

        var failure = Assert.ThrowsExactly<DeployException>(() =>
            ReleaseArchive.Write(output, source.Path, "20261127121500", ManifestDiff.Compute(ReleaseManifest.Empty, next), next, ArchiveCompression.Gzip, new RecordingLog(), CancellationToken.None));

        Assert.AreEqual(ErrorCodes.SourceMissing, failure.Code);
        StringAssert.Contains(failure.Message, "app.dll");
    }

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public void A_large_tail_of_removed_names_is_compressed_harder_and_still_unpacks_and_deletes(ArchiveCompression compression)
    {
        using var source = new TempFolder();
        File.WriteAllText(source.Combine("app.dll"), "new");
        var next = PublishFolderScanner.Scan(source.Path, null, new RecordingLog(), CancellationToken.None);
        var gone = Enumerable.Range(0, 3000).Select(i => $"wwwroot/static/s{i / 100:00}/asset{i:0000}.{i % 7}.js").ToArray();
        var live = new ReleaseManifest(gone.Select((p, i) => new ManifestEntry(p, false, i, new string('a', 64), 420)).Append(new ManifestEntry("app.dll", false, 3, new string('0', 64), 420)));
        using var target = new TempFolder();
        var release = target.Combine("releases", "20261127121500");
        foreach (var path in gone.Take(50))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(release, path))!);
            File.WriteAllText(Path.Combine(release, path), "old");
        }

        using var output = new MemoryStream();
        ReleaseArchive.Write(output, source.Path, "20261127121500", ManifestDiff.Compute(live, next), next, compression, new RecordingLog(), CancellationToken.None);

        var unpacked = Unpack(target, output.ToArray(), compression);
        Assert.AreEqual(0, unpacked.ExitCode, unpacked.Error);
        Assert.AreEqual("new", File.ReadAllText(Path.Combine(release, "app.dll")));
        CollectionAssert.AreEqual(new[] { "app.dll" }, Directory.GetFiles(release, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(release, f)).ToArray(), "every removed name was read from the tail and deleted");
        Assert.IsLessThan(20_000L, output.Length, "3,000 names of about 35 bytes");
    }

    [TestMethod]
    public void A_long_upload_reports_files_bytes_and_rate_as_it_goes()
    {
        using var source = new TempFolder();
        for (var i = 0; i < 6; i++)
        {
            File.WriteAllBytes(source.Combine($"part{i}.bin"), new Random(i).GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), 200_000));
        }

        var next = PublishFolderScanner.Scan(source.Path, null, new RecordingLog(), CancellationToken.None);
        var log = new RecordingLog();
        using var slowLink = new SlowStream(TimeSpan.FromMilliseconds(25));

        ReleaseArchive.Write(slowLink, source.Path, "20261127121500", ManifestDiff.Compute(ReleaseManifest.Empty, next), next, ArchiveCompression.Gzip, log, CancellationToken.None);

        var progress = log.Lines.Where(l => l.StartsWith("  uploaded ", StringComparison.Ordinal)).ToArray();
        Assert.IsNotEmpty(progress, "progress is reported during a slow upload");
        StringAssert.Matches(progress[0], new System.Text.RegularExpressions.Regex(@"^  uploaded \d/6 files, [\d.]+ of 1\.1 MB \([\d.]+ MB/s\)$"));
    }

    /// <summary>The upload stream fed to the server's own upload script, run by /bin/sh in <paramref name="target"/>.</summary>
    private static ShellResult Unpack(TempFolder target, byte[] stream, ArchiveCompression compression)
    {
        Directory.CreateDirectory(target.Combine(".atomicdeploy"));
        using var shell = new LocalShell();
        return shell.Run(RemoteScripts.Upload(target.Path, "20261127121500", compression: compression), input => input.Write(stream), TimeSpan.FromSeconds(60), CancellationToken.None);
    }

    /// <summary>A sink that takes its time for each flush of data, like a slow link.</summary>
    private sealed class SlowStream(TimeSpan perWrite) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (count > 1000)
            {
                Thread.Sleep(perWrite);
            }

            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);
    }
}
