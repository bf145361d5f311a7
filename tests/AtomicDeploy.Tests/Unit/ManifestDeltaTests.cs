using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Remote;
using AtomicDeploy.Core.Upload;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// Issue 18: the new manifest travels as edits of the live one, and the upload script (run here by
/// the real shell and awk) rebuilds it byte for byte, or refuses it and says so.
/// </summary>
[TestClass]
public sealed class ManifestDeltaTests
{
    private const string Live = "20261207100000";
    private const string Release = "20261207110000";

    private static readonly string[] TrickyNames =
    [
        "app.dll",
        "wwwroot/{\"path\":\"evil\"}.txt",
        "wwwroot/back\\slash.css",
        "wwwroot/é ü.js",
        "wwwroot/line\nbreak.txt",
        "wwwroot/tab\there.txt",
        "zz-last.txt",
    ];

    [TestMethod]
    public void The_upload_script_rebuilds_the_manifest_from_the_delta_byte_for_byte()
    {
        using var source = new TempFolder();
        foreach (var name in TrickyNames.Concat(Enumerable.Range(0, 40).Select(i => $"wwwroot/asset{i:D2}.js")))
        {
            Write(source, name, name);
        }

        var next = PublishFolderScanner.Scan(source.Path, null, new RecordingLog(), CancellationToken.None);
        // The live release: one file changed since, one removed since, one not there yet, the first and last differ.
        var live = new ReleaseManifest(next.Entries
            .Where(e => e.Path != "wwwroot/asset07.js")
            .Select(e => e.Path is "app.dll" or "wwwroot/asset20.js" or "zz-last.txt" ? e with { Sha256 = new string('a', 64), Size = 1 } : e)
            .Append(new ManifestEntry("wwwroot/gone.js", false, 3, new string('b', 64), 420)));
        using var target = new TempFolder();
        Directory.CreateDirectory(target.Combine("releases", Release));
        Directory.CreateDirectory(target.Combine(".atomicdeploy", "manifests"));
        File.WriteAllBytes(target.Combine(".atomicdeploy", "manifests", Live + ".json"), live.ToJson(Live));

        var (written, archive, result) = Upload(source, target, next, live, ManifestDiff.Compute(live, next));

        Assert.AreEqual(0, result.ExitCode, result.Error);
        Assert.IsFalse(result.Output.Contains(ManifestDeltaScripts.RefusedMarker, StringComparison.Ordinal), result.Output);
        CollectionAssert.Contains(archive, ManifestDeltaScripts.DeltaPath(Release));
        CollectionAssert.DoesNotContain(archive, $".atomicdeploy/manifests/{Release}.json");
        CollectionAssert.AreEqual(written, File.ReadAllBytes(target.Combine(".atomicdeploy", "manifests", Release + ".json")));
        CollectionAssert.AreEquivalent(new[] { Live + ".json", Release + ".json" }, Directory.GetFiles(target.Combine(".atomicdeploy", "manifests")).Select(Path.GetFileName).ToArray());
        var rebuilt = ReleaseManifest.Parse(File.ReadAllText(target.Combine(".atomicdeploy", "manifests", Release + ".json")));
        CollectionAssert.AreEqual(next.Entries.Select(e => e.Path).ToArray(), rebuilt.Entries.Select(e => e.Path).ToArray());
    }

    [TestMethod]
    public void A_live_manifest_other_than_the_one_read_is_refused_and_nothing_is_kept()
    {
        using var source = new TempFolder();
        for (var i = 0; i < 40; i++)
        {
            Write(source, $"wwwroot/asset{i:D2}.js", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var next = PublishFolderScanner.Scan(source.Path, null, new RecordingLog(), CancellationToken.None);
        var live = new ReleaseManifest(next.Entries.Select(e => e.Path == "wwwroot/asset03.js" ? e with { Sha256 = new string('a', 64) } : e));
        using var target = new TempFolder();
        Directory.CreateDirectory(target.Combine("releases", Release));
        Directory.CreateDirectory(target.Combine(".atomicdeploy", "manifests"));
        // What the server holds differs in one entry from what the deploy read.
        var held = new ReleaseManifest(live.Entries.Select(e => e.Path == "wwwroot/asset30.js" ? e with { Mode = 384 } : e));
        File.WriteAllBytes(target.Combine(".atomicdeploy", "manifests", Live + ".json"), held.ToJson(Live));

        var (_, archive, result) = Upload(source, target, next, live, ManifestDiff.Compute(live, next));

        Assert.AreEqual(0, result.ExitCode, result.Error);
        CollectionAssert.Contains(archive, ManifestDeltaScripts.DeltaPath(Release));
        CollectionAssert.Contains(result.Output.Split('\n'), ManifestDeltaScripts.RefusedMarker);
        CollectionAssert.AreEqual(new[] { Live + ".json" }, Directory.GetFiles(target.Combine(".atomicdeploy", "manifests")).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    public void A_delta_is_made_only_when_it_is_less_than_half_the_manifest()
    {
        var entries = Enumerable.Range(0, 200).Select(i => new ManifestEntry($"wwwroot/asset{i:D3}.js", false, i, Convert.ToHexString(BitConverter.GetBytes(i)).PadLeft(64, '0').ToLowerInvariant(), 420)).ToArray();
        var live = new ReleaseManifest(entries);
        var oneChanged = new ReleaseManifest(entries.Select(e => e.Path == "wwwroot/asset100.js" ? e with { Size = 7 } : e));
        var allChanged = new ReleaseManifest(entries.Select(e => e with { Size = e.Size + 1 }));

        var small = ManifestDelta.Of(live.ToJson(Live), oneChanged.ToJson(Release));

        Assert.IsNotNull(small);
        var lines = Encoding.UTF8.GetString(small).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // The old header skipped, 100 records kept, the changed one skipped, 99 kept; the new header and the changed record inserted.
        CollectionAssert.AreEqual(new[] { "-1", "=100", "-1", "=99" }, lines.Where(l => l[0] is '=' or '-').ToArray());
        Assert.AreEqual(2, lines.Count(l => l[0] == '+'));
        Assert.IsNull(ManifestDelta.Of(live.ToJson(Live), allChanged.ToJson(Release)));
        Assert.IsNull(ManifestDelta.Of(ReleaseManifest.Empty.ToJson(Live), oneChanged.ToJson(Release)));
    }

    private static (byte[] Written, List<string> Archive, ShellResult Result) Upload(TempFolder source, TempFolder target, ReleaseManifest next, ReleaseManifest live, ManifestDiff diff)
    {
        using var stream = new MemoryStream();
        var written = ReleaseArchive.Write(stream, source.Path, Release, diff, [], next, ArchiveCompression.Gzip, new RecordingLog(), CancellationToken.None, new ManifestBase(Live, live));
        var bytes = stream.ToArray();
        using var shell = new LocalShell();
        var result = shell.Run(RemoteScripts.Upload(target.Path, Release, manifestBasis: Live), input => input.Write(bytes), TimeSpan.FromSeconds(60), CancellationToken.None);
        return (written, EntryNames(bytes), result);
    }

    /// <summary>The names of the archive's entries, read back by .NET's tar reader.</summary>
    private static List<string> EntryNames(byte[] stream)
    {
        var newline = Array.IndexOf(stream, (byte)'\n');
        using var tar = new TarReader(new GZipStream(new MemoryStream(stream, newline + 1, stream.Length - newline - 1), CompressionMode.Decompress));
        var names = new List<string>();
        while (tar.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }

    private static void Write(TempFolder folder, string relative, string content)
    {
        var path = folder.Combine(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
