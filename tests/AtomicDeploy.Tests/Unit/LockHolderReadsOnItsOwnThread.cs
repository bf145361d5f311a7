using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// A script that runs beside the steps (the deploy lock's holder) is read on a thread of its own:
/// its read blocks for the whole deploy, and a fleet's lock holders on the thread pool would take
/// every pool thread of a fresh build process, so SSH.NET's continuations would wait for the pool
/// to grow (seen as 18 s of PrepareRelease for 20 hosts, 0.5 s for one).
/// </summary>
[TestClass]
public sealed class LockHolderReadsOnItsOwnThread
{
    [TestMethod]
    public void The_output_is_not_read_on_a_thread_pool_thread()
    {
        var output = new RecordingStream();
        using (var process = new RemoteProcess(output, null, () => { }, _ => true, () => { }))
        {
            Assert.IsNull(process.ReadLine(TimeSpan.FromSeconds(10), CancellationToken.None), "the output ended");
        }

        Assert.IsFalse(output.ReadOnPoolThread, "read on a thread-pool thread");
    }

    private sealed class RecordingStream : MemoryStream
    {
        public bool? ReadOnPoolThread { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            ReadOnPoolThread ??= Thread.CurrentThread.IsThreadPoolThread;
            return 0;
        }

        public override int Read(Span<byte> buffer)
        {
            ReadOnPoolThread ??= Thread.CurrentThread.IsThreadPoolThread;
            return 0;
        }
    }
}
