namespace AtomicDeploy.Core.Remote;

/// <summary>A write-only stream that passes every write on to another stream, for the wrappers below.</summary>
internal abstract class ForwardingWriteStream(Stream inner) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        BeforeWrite(buffer.Length);
        inner.Write(buffer);
    }

    /// <summary>Called before each write with its length.</summary>
    protected abstract void BeforeWrite(int count);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Counts the bytes written (the upload's size on the wire). Disposing it disposes the inner stream.</summary>
internal sealed class CountingStream(Stream inner) : ForwardingWriteStream(inner)
{
    public long BytesWritten { get; private set; }

    protected override void BeforeWrite(int count) => BytesWritten += count;
}

/// <summary>
/// Stops writing once a remote command has ended (data sent on a channel the server has closed
/// makes OpenSSH drop the whole connection), or as soon as the deploy is cancelled, even in the
/// middle of a large file.
/// </summary>
internal sealed class StopWhenEnded(Stream inner, Task execution, CancellationToken cancellationToken) : ForwardingWriteStream(inner)
{
    protected override void BeforeWrite(int count)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (execution.IsCompleted)
        {
            throw new IOException("The remote command has ended and reads no more input.");
        }
    }
}
