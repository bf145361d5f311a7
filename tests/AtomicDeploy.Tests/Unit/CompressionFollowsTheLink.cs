using System.IO.Compression;
using AtomicDeploy.Core.Upload;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// The upload's compression works harder only when the connection is what holds it back, and the
/// members it writes read back as one gzip stream.
/// </summary>
[TestClass]
public sealed class CompressionFollowsTheLink
{
    // Letters from a fixed seed: compressible, but not so much that the output is a handful of writes.
    private static readonly byte[] Text = new Random(7).GetItems("abcdefghijklmnop "u8.ToArray(), 1_500_000);

    [TestMethod]
    public void A_connection_that_takes_bytes_at_once_gets_the_fastest_level_and_one_readable_stream()
    {
        // Room for all of it from the start: a growing buffer's copies, on a machine busy with other
        // tests, once took more than half a member's time, which is what a slow link looks like.
        using var output = new MemoryStream(4 * Text.Length);
        var gzip = Compress(output);

        Assert.AreEqual(0, gzip.HarderMembers);
        CollectionAssert.AreEqual(Expected(), Decompress(output.ToArray()));
    }

    [TestMethod]
    public void A_connection_that_makes_the_writer_wait_gets_harder_compression_and_the_same_content()
    {
        using var output = new WaitingStream();
        var gzip = Compress(output);

        Assert.IsTrue(gzip.HarderMembers > 0);
        CollectionAssert.AreEqual(Expected(), Decompress(output.ToArray()));
    }

    [TestMethod]
    public void Once_harder_compression_keeps_the_link_busy_it_stays_until_the_cpu_holds_the_upload_back()
    {
        Assert.AreEqual(CompressionLevel.Fastest, AdaptiveGzipStream.NextLevel(CompressionLevel.Fastest, 0.4), "a link that waits for fast compression less than half the time is not the bottleneck");
        Assert.AreEqual(CompressionLevel.Optimal, AdaptiveGzipStream.NextLevel(CompressionLevel.Fastest, 0.6));
        Assert.AreEqual(CompressionLevel.Optimal, AdaptiveGzipStream.NextLevel(CompressionLevel.Optimal, 0.4), "level 6 that still waits for the link stays: going back would send more bytes");
        Assert.AreEqual(CompressionLevel.Fastest, AdaptiveGzipStream.NextLevel(CompressionLevel.Optimal, 0.05), "level 6 that hardly waits holds the upload back");
        Assert.AreEqual(CompressionLevel.Fastest, AdaptiveGzipStream.NextLevel(CompressionLevel.Optimal, double.NaN), "a member that took no time");
    }

    private static AdaptiveGzipStream Compress(Stream output)
    {
        var gzip = new AdaptiveGzipStream(output);
        for (var i = 0; i < 4; i++)
        {
            gzip.Write(Text);
        }

        gzip.Finish();
        return gzip;
    }

    private static byte[] Expected() => [.. Text, .. Text, .. Text, .. Text];

    private static byte[] Decompress(byte[] compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var result = new MemoryStream();
        gzip.CopyTo(result);
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
