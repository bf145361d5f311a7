namespace AtomicDeploy.Core.Upload;

/// <summary>
/// Writes every buffer to each of several streams in turn, so one compressed archive (read, hashed
/// and compressed once) reaches many hosts. A target whose write fails is dropped and its failure
/// kept (its host fails with its own error); the others go on. Writing fails only when every target
/// has failed. A write returns when every target took the buffer, so the writer runs at the pace of
/// the slowest target, and the time it waits (which the adaptive compression measures) is set by it.
/// </summary>
internal sealed class FanOutStream : Stream
{
    private readonly IReadOnlyList<Stream> _targets;
    private readonly Exception?[] _failures;

    public FanOutStream(IReadOnlyList<Stream> targets)
    {
        ArgumentOutOfRangeException.ThrowIfZero(targets.Count);
        _targets = targets;
        _failures = new Exception?[targets.Count];
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Why target <paramref name="index"/> was dropped, or null while it takes every write.</summary>
    public Exception? FailureOf(int index) => _failures[index];

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        for (var i = 0; i < _targets.Count; i++)
        {
            if (_failures[i] is null)
            {
                try
                {
                    _targets[i].Write(buffer);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    _failures[i] = e;
                }
            }
        }

        ThrowIfAllFailed();
    }

    public override void Flush()
    {
        for (var i = 0; i < _targets.Count; i++)
        {
            if (_failures[i] is null)
            {
                try
                {
                    _targets[i].Flush();
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    _failures[i] = e;
                }
            }
        }

        ThrowIfAllFailed();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void ThrowIfAllFailed()
    {
        if (Array.TrueForAll(_failures, f => f is not null))
        {
            throw new IOException("Every host of the shared upload stopped taking the stream.", _failures[0]);
        }
    }
}
