using System.IO.Compression;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// Issue 18: the lock's channel brings the live manifest gzip-compressed and base64-encoded where the
/// server has both tools (a third of the bytes, read without the whole text in memory), and as it is
/// where it has not. The real lock script runs here with /bin/sh, with and without gzip on its PATH.
/// </summary>
[TestClass]
public sealed class CompressedManifestLine
{
    private const string Release = "20261207120000";

    private static readonly ReleaseManifest Manifest = new(
    [
        new("app.dll", false, 3, new string('a', 64), 420),
        new("with space 'quoted'.txt", false, 5, new string('b', 64), 420),
        new("wwwroot", true, 0, string.Empty, 493),
    ]);

    [TestMethod]
    public void With_gzip_the_line_is_compressed_and_reads_back_as_the_manifest()
    {
        using var folder = LiveRelease();

        var line = ManifestLine(RunLock(folder, withGzip: true));

        StringAssert.StartsWith(line, "manifest-gz ");
        CollectionAssert.AreEqual(Manifest.Entries.ToArray(), ReleaseManifest.ParseCompressed(line.AsSpan("manifest-gz ".Length)).Entries.ToArray());
    }

    [TestMethod]
    public void Without_gzip_the_line_is_the_manifest_as_it_is()
    {
        using var folder = LiveRelease();

        var line = ManifestLine(RunLock(folder, withGzip: false));

        StringAssert.StartsWith(line, "manifest {");
        CollectionAssert.AreEqual(Manifest.Entries.ToArray(), ReleaseManifest.Parse(line["manifest ".Length..]).Entries.ToArray());
    }

    [TestMethod]
    [DataRow("not base64 at all!")]
    [DataRow("aGVsbG8gd29ybGQ=")]
    public void A_line_that_is_not_a_compressed_manifest_is_refused_with_its_code(string line)
    {
        var error = Assert.ThrowsExactly<DeployException>(() => ReleaseManifest.ParseCompressed(line));

        Assert.AreEqual(ErrorCodes.RemoteStateInvalid, error.Code);
    }

    [TestMethod]
    public void Compressed_json_that_is_not_a_manifest_is_refused_with_its_code()
    {
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write("{\"format\":1,\"entries\":[{\"path\":\"../etc/passwd\",\"type\":\"f\",\"size\":1,\"sha256\":\"a\",\"mode\":420}]}"u8);
        }

        var error = Assert.ThrowsExactly<DeployException>(() => ReleaseManifest.ParseCompressed(Convert.ToBase64String(packed.ToArray())));

        Assert.AreEqual(ErrorCodes.RemoteStateInvalid, error.Code);
        StringAssert.Contains(error.Message, "not a plain relative path");
    }

    private static TempFolder LiveRelease()
    {
        var folder = new TempFolder();
        Directory.CreateDirectory(folder.Combine("releases", Release));
        Directory.CreateDirectory(folder.Combine(".atomicdeploy", "manifests"));
        File.CreateSymbolicLink(folder.Combine("current"), "releases/" + Release);
        File.WriteAllBytes(folder.Combine(".atomicdeploy", "manifests", Release + ".json"), Manifest.ToJson(Release));
        return folder;
    }

    /// <summary>The lock script's output (its input is empty, so it ends at once); without gzip, on a PATH of every tool but gzip.</summary>
    private static string RunLock(TempFolder folder, bool withGzip)
    {
        var path = withGzip ? string.Empty : PathWithout.Prefix(folder, "gzip");
        using var shell = new LocalShell();
        var result = shell.Run(path + DeployLock.Script(folder.Path, "test", 0, liveManifest: true), null, TimeSpan.FromSeconds(60), CancellationToken.None);
        Assert.AreEqual(0, result.ExitCode, result.Error + result.Output);
        StringAssert.Contains(result.Output, $"live {Release}\n");
        return result.Output;
    }

    private static string ManifestLine(string output) =>
        Assert.ContainsSingle(output.Split('\n').Where(l => l.StartsWith("manifest", StringComparison.Ordinal)));
}
