using AtomicDeploy.Core.Upload;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// The upload's compression works harder only when the connection is what holds it back, and the
/// members it writes read back as one stream with the server's own gzip or zstd.
/// </summary>
[TestClass]
public sealed class CompressionFollowsTheLink
{
    // Letters from a fixed seed: compressible, but not so much that the output is a handful of writes.
    private static readonly byte[] Text = new Random(7).GetItems("abcdefghijklmnop "u8.ToArray(), 1_500_000);

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public void A_connection_that_takes_bytes_at_once_gets_the_fastest_level_and_one_readable_stream(ArchiveCompression compression)
    {
        // Room for all of it from the start: a growing buffer's copies, on a machine busy with other
        // tests, once took more than half a member's time, which is what a slow link looks like.
        using var output = new MemoryStream(4 * Text.Length);
        var compressed = Compress(output, compression);

        Assert.AreEqual(0, compressed.HarderMembers);
        CollectionAssert.AreEqual(Expected(), Decompress(output.ToArray(), compression));
    }

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public void A_connection_that_makes_the_writer_wait_gets_harder_compression_and_the_same_content(ArchiveCompression compression)
    {
        using var output = new WaitingStream();
        var compressed = Compress(output, compression);

        Assert.IsTrue(compressed.HarderMembers > 0);
        CollectionAssert.AreEqual(Expected(), Decompress(output.ToArray(), compression));
    }

    [TestMethod]
    public void Once_harder_compression_keeps_the_link_busy_it_stays_until_the_cpu_holds_the_upload_back()
    {
        // gzip: two levels (fastest, 6).
        Assert.AreEqual(0, AdaptiveCompressionStream.NextLevel(0, 2, 0.4), "a link that waits for fast compression less than half the time is not the bottleneck");
        Assert.AreEqual(1, AdaptiveCompressionStream.NextLevel(0, 2, 0.6));
        Assert.AreEqual(1, AdaptiveCompressionStream.NextLevel(1, 2, 0.4), "level 6 that still waits for the link stays: going back would send more bytes");
        Assert.AreEqual(1, AdaptiveCompressionStream.NextLevel(1, 2, 0.9), "there is no harder level");
        Assert.AreEqual(0, AdaptiveCompressionStream.NextLevel(1, 2, 0.05), "level 6 that hardly waits holds the upload back");
        Assert.AreEqual(0, AdaptiveCompressionStream.NextLevel(1, 2, double.NaN), "a member that took no time");
        // zstd: three levels (1, 3, 6), one step at a time.
        Assert.AreEqual(2, AdaptiveCompressionStream.NextLevel(1, 3, 0.6));
        Assert.AreEqual(1, AdaptiveCompressionStream.NextLevel(2, 3, 0.05), "one level back, not to the fastest");
        Assert.AreEqual(2, AdaptiveCompressionStream.NextLevel(2, 3, 0.2));
    }

    private static AdaptiveCompressionStream Compress(Stream output, ArchiveCompression compression)
    {
        var compressed = new AdaptiveCompressionStream(output, compression);
        for (var i = 0; i < 4; i++)
        {
            compressed.Write(Text);
        }

        compressed.Finish();
        return compressed;
    }

    private static byte[] Expected() => [.. Text, .. Text, .. Text, .. Text];

    /// <summary>What the server's own tool reads back: <c>gzip -d</c> or <c>zstd -d</c>, run on this machine.</summary>
    private static byte[] Decompress(byte[] compressed, ArchiveCompression compression)
    {
        using var process = new System.Diagnostics.Process
        {
            StartInfo = new(compression == ArchiveCompression.Zstd ? "zstd" : "gzip", "-dc") { RedirectStandardInput = true, RedirectStandardOutput = true },
        };
        process.Start();
        var writer = Task.Run(() =>
        {
            process.StandardInput.BaseStream.Write(compressed);
            process.StandardInput.Close();
        });
        using var result = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(result);
        writer.Wait();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode);
        return result.ToArray();
    }

    /// <summary>A connection slower than the compressor: every write waits.</summary>
    private sealed class WaitingStream : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            Thread.Sleep(5);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);
    }
}
