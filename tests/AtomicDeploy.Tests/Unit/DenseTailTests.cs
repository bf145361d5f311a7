using System.Security.Cryptography;
using System.Text;
using AtomicDeploy.Core.Upload;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// Issue 18: the archive's tail (lists and manifest) repeats itself at a distance, a renamed file's
/// hash in the reuse list and again in the manifest; compressed dense, those repeats are found.
/// </summary>
[TestClass]
public sealed class DenseTailTests
{
    [TestMethod]
    [DataRow(ArchiveCompression.Zstd)]
    [DataRow(ArchiveCompression.Gzip)]
    public void A_dense_tail_is_smaller_and_reads_back_the_same(ArchiveCompression compression)
    {
        var hashes = Enumerable.Range(0, 1500).Select(i => Convert.ToHexString(SHA256.HashData(BitConverter.GetBytes(i))).ToLowerInvariant()).ToArray();
        var text = Encoding.ASCII.GetBytes(
            string.Concat(hashes.Select((h, i) => $"{h}\t644\tln\treleases/20261207000000/wwwroot/a{i}.js\twwwroot/a{i}.r1.js\n"))
            + string.Concat(hashes.Select((h, i) => $"+{{\"path\":\"wwwroot/a{i}.r1.js\",\"type\":\"f\",\"size\":{i},\"sha256\":\"{h}\",\"mode\":420}},\n")));

        var plain = Compress(text, compression, dense: false);
        var dense = Compress(text, compression, dense: true);

        Assert.IsLessThan(plain.Length * 9 / 10, dense.Length, $"plain {plain.Length} bytes, dense {dense.Length}");
        CollectionAssert.AreEqual(text, Decompress(dense, compression));
    }

    private static byte[] Compress(byte[] text, ArchiveCompression compression, bool dense)
    {
        using var output = new MemoryStream();
        var stream = new AdaptiveCompressionStream(output, compression);
        stream.Write("x"u8);
        if (dense)
        {
            stream.Dense();
        }

        stream.Write(text);
        stream.Finish();
        return output.ToArray();
    }

    private static byte[] Decompress(byte[] compressed, ArchiveCompression compression)
    {
        var tool = compression == ArchiveCompression.Zstd ? "zstd" : "gzip";
        using var folder = new TempFolder();
        var file = folder.Combine("tail." + (compression == ArchiveCompression.Zstd ? "zst" : "gz"));
        File.WriteAllBytes(file, compressed);
        ProcessRunner.Check(tool, "-d", "-k", file);
        return File.ReadAllBytes(file[..file.LastIndexOf('.')])[1..];
    }
}
