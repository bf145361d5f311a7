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
    public void With_gzip_the_lines_are_compressed_and_read_back_as_the_manifest()
    {
        using var folder = LiveRelease(Large());

        var output = RunLock(folder, withGzip: true);

        Assert.IsFalse(output.Split('\n').Any(l => l.StartsWith("manifest ", StringComparison.Ordinal)), "not the manifest as it is");
        var encoded = output.Split('\n').SkipWhile(l => l != DeployLock.CompressedManifestStart).Skip(1).TakeWhile(l => l != DeployLock.CompressedManifestEnd).ToArray();
        Assert.IsGreaterThan(10, encoded.Length, "a large manifest comes as many short lines");
        Assert.IsTrue(encoded.All(l => l.Length <= 76), "no line longer than base64 wraps it");
        using var holder = Holder(string.Join('\n', [.. encoded, DeployLock.CompressedManifestEnd, "live " + Release]) + "\n");

        var compressed = DeployLock.ReadCompressedManifest(holder, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.IsNotNull(compressed);
        CollectionAssert.AreEqual(Large().Entries.ToArray(), ReleaseManifest.ParseCompressed(compressed.Value).Entries.ToArray());
        Assert.AreEqual("live " + Release, holder.ReadLine(TimeSpan.FromSeconds(5), CancellationToken.None), "the lines after the manifest are read as before");
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
    public void Lines_that_are_not_base64_give_no_manifest_and_are_read_to_their_end()
    {
        using var holder = Holder($"aGVs\nnot base64 at all!\naGVsbG8g\n{DeployLock.CompressedManifestEnd}\nlive {Release}\n");

        Assert.IsNull(DeployLock.ReadCompressedManifest(holder, TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.AreEqual("live " + Release, holder.ReadLine(TimeSpan.FromSeconds(5), CancellationToken.None));
    }

    [TestMethod]
    public void Bytes_that_are_not_gzip_are_refused_with_its_code()
    {
        var error = Assert.ThrowsExactly<DeployException>(() => ReleaseManifest.ParseCompressed("hello world"u8.ToArray()));

        Assert.AreEqual(ErrorCodes.RemoteStateInvalid, error.Code);
        StringAssert.Contains(error.Message, "not valid gzip");
    }

    [TestMethod]
    public void Compressed_json_that_is_not_a_manifest_is_refused_with_its_code()
    {
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write("{\"format\":1,\"entries\":[{\"path\":\"../etc/passwd\",\"type\":\"f\",\"size\":1,\"sha256\":\"a\",\"mode\":420}]}"u8);
        }

        var error = Assert.ThrowsExactly<DeployException>(() => ReleaseManifest.ParseCompressed(packed.ToArray()));

        Assert.AreEqual(ErrorCodes.RemoteStateInvalid, error.Code);
        StringAssert.Contains(error.Message, "not a plain relative path");
    }

    /// <summary>A manifest of 2,000 files: its compressed text is far longer than one line of base64.</summary>
    private static ReleaseManifest Large() =>
        new(Enumerable.Range(0, 2000).Select(i => new ManifestEntry($"wwwroot/asset-{i}.txt", false, i, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))), 420)));

    /// <summary>A lock holder whose output is <paramref name="output"/>.</summary>
    private static RemoteProcess Holder(string output) =>
        new(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(output)), null, () => { }, null, () => { });

    private static TempFolder LiveRelease(ReleaseManifest? manifest = null)
    {
        var folder = new TempFolder();
        Directory.CreateDirectory(folder.Combine("releases", Release));
        Directory.CreateDirectory(folder.Combine(".atomicdeploy", "manifests"));
        File.CreateSymbolicLink(folder.Combine("current"), "releases/" + Release);
        File.WriteAllBytes(folder.Combine(".atomicdeploy", "manifests", Release + ".json"), (manifest ?? Manifest).ToJson(Release));
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
