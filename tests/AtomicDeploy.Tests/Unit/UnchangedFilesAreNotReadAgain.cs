using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Upload;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// A deploy reads each file at most once: a file with the live release's path, size and time keeps
/// the live hash unread (rsync's quick check), and a file that is sent anyway is hashed from the
/// read that sends it; the manifest sent at the end holds every real hash.
/// </summary>
[TestClass]
public sealed class UnchangedFilesAreNotReadAgain
{
    private const string Release = "20261127121500";
    private static readonly string OtherHash = new('a', 64);

    [TestMethod]
    public void A_file_with_the_live_size_and_time_takes_the_live_hash_without_being_read()
    {
        using var source = new TempFolder();
        File.WriteAllText(source.Combine("app.dll"), "v1");
        var live = Live(source, "app.dll", 2, OtherHash);

        var next = PublishFolderScanner.Scan(source.Path, null, live, new RecordingLog(), CancellationToken.None);

        Assert.AreEqual(OtherHash, next.ByPath["app.dll"].Sha256, "the hash comes from the live manifest, so the file was not read");
        Assert.AreSame(live.ByPath["app.dll"].Path, next.ByPath["app.dll"].Path, "the path is the live manifest's string: a large tree's paths are held once");
        Assert.AreEqual(0, ManifestDiff.Compute(live, next).ToSend.Count);
    }

    [TestMethod]
    public void A_file_of_the_same_size_with_another_time_is_hashed_and_sent_when_it_differs()
    {
        using var source = new TempFolder();
        File.WriteAllText(source.Combine("app.dll"), "v2");
        var live = Live(source, "app.dll", 2, OtherHash);
        File.SetLastWriteTimeUtc(source.Combine("app.dll"), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        var next = PublishFolderScanner.Scan(source.Path, null, live, new RecordingLog(), CancellationToken.None);

        Assert.AreEqual(Sha256("v2"), next.ByPath["app.dll"].Sha256);
        CollectionAssert.AreEqual(new[] { "app.dll" }, ManifestDiff.Compute(live, next).ToSend.Select(e => e.Path).ToArray());
    }

    [TestMethod]
    public void New_and_resized_files_are_hashed_while_sent_and_the_sent_manifest_has_their_hashes()
    {
        using var source = new TempFolder();
        File.WriteAllText(source.Combine("app.dll"), "version two");
        File.WriteAllText(source.Combine("new.css"), "body{}");
        var live = Live(source, "app.dll", 2, OtherHash);

        var next = PublishFolderScanner.Scan(source.Path, null, live, new RecordingLog(), CancellationToken.None);
        Assert.AreEqual(ManifestEntry.HashedWhileSending, next.ByPath["new.css"].Sha256, "a file sent anyway is not read before the upload");
        using var output = new MemoryStream();
        ReleaseArchive.Write(output, source.Path, Release, ManifestDiff.Compute(live, next), next, ArchiveCompression.Gzip, new RecordingLog(), CancellationToken.None);

        var sent = ReleaseManifest.Parse(ManifestInArchive(output.ToArray()));
        Assert.AreEqual(Sha256("version two"), sent.ByPath["app.dll"].Sha256);
        Assert.AreEqual(Sha256("body{}"), sent.ByPath["new.css"].Sha256);
        Assert.AreEqual(File.GetLastWriteTimeUtc(source.Combine("new.css")).Ticks, sent.ByPath["new.css"].Modified);
    }

    private static ReleaseManifest Live(TempFolder source, string path, long size, string hash) =>
        new([new ManifestEntry(path, false, size, hash, (int)File.GetUnixFileMode(source.Combine(path))) { Modified = File.GetLastWriteTimeUtc(source.Combine(path)).Ticks }]);

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private static string ManifestInArchive(byte[] upload)
    {
        var newline = Array.IndexOf(upload, (byte)'\n');
        using var gzip = new GZipStream(new MemoryStream(upload, newline + 1, upload.Length - newline - 1), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.Name == $".atomicdeploy/manifests/{Release}.json")
            {
                using var reader = new StreamReader(entry.DataStream!);
                return reader.ReadToEnd();
            }
        }

        throw new AssertFailedException("The upload holds no manifest.");
    }
}
