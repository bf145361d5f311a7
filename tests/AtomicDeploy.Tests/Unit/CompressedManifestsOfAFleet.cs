using System.IO.Compression;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Manifest;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// Issue 16: the hosts of a fleet that run the same release bring the same compressed manifest on
/// their lock's channels; it is parsed once and the hosts share it. Different bytes are parsed on
/// their own, and bytes that are not a manifest give each host the same coded error.
/// </summary>
[TestClass]
public sealed class CompressedManifestsOfAFleet
{
    [TestMethod]
    public void The_same_bytes_give_the_same_manifest_and_other_bytes_their_own()
    {
        var manifests = new CompressedManifests();
        var live = Manifest("app.dll");

        var first = manifests.Parse(Compressed(live));
        var second = manifests.Parse(Compressed(live));
        var other = manifests.Parse(Compressed(Manifest("other.dll")));

        Assert.AreSame(first, second, "one parse for the same content (a fresh buffer with the same bytes)");
        CollectionAssert.AreEqual(live.Entries.ToArray(), first.Entries.ToArray());
        Assert.AreNotSame(first, other);
        Assert.AreEqual("other.dll", other.Entries.Single().Path);
    }

    [TestMethod]
    public void Bytes_that_are_not_a_manifest_give_every_host_the_coded_error()
    {
        var manifests = new CompressedManifests();

        foreach (var _ in Enumerable.Range(0, 2))
        {
            var error = Assert.ThrowsExactly<DeployException>(() => manifests.Parse("not gzip"u8.ToArray()));
            Assert.AreEqual(ErrorCodes.RemoteStateInvalid, error.Code);
        }
    }

    private static ReleaseManifest Manifest(string file) => new([new ManifestEntry(file, false, 3, new string('a', 64), 420)]);

    /// <summary>The manifest as the lock's script sends it: its JSON through gzip.</summary>
    private static byte[] Compressed(ReleaseManifest manifest)
    {
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(manifest.ToJson("20261208000000"));
        }

        return packed.ToArray();
    }
}
