using System.Diagnostics;
using System.IO.Compression;

namespace AtomicDeploy.Core.Upload;

/// <summary>
/// Compresses what is written as a series of gzip members or zstd frames (<c>tar -z</c> and
/// <c>zstd -d</c> read them as one stream), choosing each one's level from how the last one went:
/// when most of its time was spent waiting for the connection to take the bytes, the link is the
/// bottleneck and the next one is compressed harder (fewer bytes to send); it stays there while the
/// connection still makes it wait (<see cref="StayHarder"/> of its time), and goes back a level when
/// the CPU is what holds the upload back. So a slow link gets the hardest level's size, and a fast
/// link is never held back by compression. The two thresholds differ on purpose: with one, a link
/// that a harder level can keep busy but not twice over (a 100 Mbit link on this kind of machine)
/// saw the level change at every member, and sent about a tenth more bytes than the harder level throughout.
/// </summary>
internal sealed class AdaptiveCompressionStream(Stream output, ArchiveCompression compression) : Stream
{
    private const long MemberInput = 4 << 20;

    /// <summary>The share of a member's time spent waiting for the connection that moves the next member to a harder level.</summary>
    private const double GoHarder = 0.5;

    /// <summary>The share of a harder member's time spent waiting for the connection that keeps the next one there.</summary>
    private const double StayHarder = 0.125;

    /// <summary>
    /// zstd's levels, fastest first: level 1 compresses a .NET publish in 0.6 times the CPU time of
    /// gzip's fastest level into a seventh fewer bytes; level 6, in the time of gzip's level 6,
    /// into 8% fewer bytes than it.
    /// </summary>
    private static readonly int[] ZstdLevels = [1, 3, 6];

    private static readonly CompressionLevel[] GzipLevels = [CompressionLevel.Fastest, CompressionLevel.Optimal];

    private Stream? _member;
    private long _memberWritten;
    private long _memberStarted;
    private TimeSpan _waitedBefore;
    private TimeSpan _waited;
    private int _level;
    private bool _dense;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>How many members were compressed at a harder level than the fastest (for tests and the log).</summary>
    public int HarderMembers { get; private set; }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            if (_member is null)
            {
                var timed = new WaitTimer(output, this);
                _member = compression == ArchiveCompression.Zstd ? Zstd(timed)
                    : new GZipStream(timed, _dense ? CompressionLevel.SmallestSize : GzipLevels[_level], leaveOpen: false);
                _memberWritten = 0;
                _memberStarted = Stopwatch.GetTimestamp();
                _waitedBefore = _waited;
                HarderMembers += _level > 0 ? 1 : 0;
            }

            var count = (int)Math.Min(buffer.Length, MemberInput - _memberWritten);
            _member.Write(buffer[..count]);
            _memberWritten += count;
            buffer = buffer[count..];
            if (_memberWritten == MemberInput)
            {
                EndMember();
            }
        }
    }

    /// <summary>
    /// Ends the member being written: what follows (the archive's small tail, its lists and manifest)
    /// is compressed with a deeper search. It is text that repeats itself at a distance (a renamed
    /// file's old name in two lists, its hash in the reuse list and again in the manifest), which
    /// the fastest settings mostly miss: a fifth fewer bytes for 500 renamed files, for a few
    /// milliseconds of CPU on a tail of 200 KB.
    /// </summary>
    public void Dense()
    {
        if (_member is not null)
        {
            EndMember();
        }

        _dense = true;
    }

    /// <summary>Completes the last member. Not called after a failure, so the stream stays unfinished.</summary>
    public void Finish()
    {
        if (_member is not null)
        {
            EndMember();
        }
    }

    /// <summary>
    /// Makes sure the stream cannot be read as a complete gzip or zstd stream, whatever member
    /// boundary it stopped at (the start of a member that never ends): a failed upload must never
    /// unpack as a shorter, well-formed archive.
    /// </summary>
    public void Spoil() => output.Write(compression == ArchiveCompression.Zstd ? [0x28, 0xb5, 0x2f, 0xfd] : [0x1f, 0x8b, 0x08, 0x00]);

    public override void Flush() => output.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void EndMember()
    {
        _member!.Dispose();
        _member = null;
        var took = Stopwatch.GetElapsedTime(_memberStarted);
        _level = NextLevel(_level, compression == ArchiveCompression.Zstd ? ZstdLevels.Length : GzipLevels.Length, (_waited - _waitedBefore) / took);
    }

    /// <summary>A zstd member at the level the link asks for, or, for the dense tail, the fastest level with a deeper search (binary trees over a larger table).</summary>
    private ZstdSharp.CompressionStream Zstd(Stream timed)
    {
        var member = new ZstdSharp.CompressionStream(timed, ZstdLevels[_dense ? 0 : _level], leaveOpen: false);
        if (_dense)
        {
            member.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_strategy, (int)ZstdSharp.Unsafe.ZSTD_strategy.ZSTD_btlazy2);
            member.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_hashLog, 17);
            member.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_chainLog, 17);
            member.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_searchLog, 3);
        }

        return member;
    }

    /// <summary>
    /// The level of the next member (0 the fastest of <paramref name="levels"/>), after one at
    /// <paramref name="level"/> spent <paramref name="waitedShare"/> of its time waiting for the connection.
    /// </summary>
    internal static int NextLevel(int level, int levels, double waitedShare) =>
        waitedShare > GoHarder ? Math.Min(level + 1, levels - 1)
        : level > 0 && waitedShare > StayHarder ? level
        : Math.Max(level - 1, 0);

    /// <summary>Passes compressed bytes on, adding the time the connection took to accept them.</summary>
    private sealed class WaitTimer(Stream inner, AdaptiveCompressionStream owner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var started = Stopwatch.GetTimestamp();
            inner.Write(buffer);
            owner._waited += Stopwatch.GetElapsedTime(started);
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
