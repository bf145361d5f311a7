using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Upload;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// A fleet's shared upload: one stream written once reaches every host's input whole; a host whose
/// input fails is dropped and fails alone; a failure of the archive itself fails every host.
/// </summary>
[TestClass]
public sealed class OneArchiveReachesEveryHost
{
    private static readonly byte[] Data = new Random(11).GetItems("0123456789abcdef"u8.ToArray(), 300_000);

    [TestMethod]
    public void Every_target_receives_every_byte_in_order()
    {
        var targets = new[] { new MemoryStream(), new MemoryStream(), new MemoryStream() };
        using var fanOut = new FanOutStream(targets);

        WriteInPieces(fanOut);

        foreach (var target in targets)
        {
            CollectionAssert.AreEqual(Data, target.ToArray());
        }
    }

    [TestMethod]
    public void A_failing_target_is_dropped_with_its_failure_and_the_others_get_everything()
    {
        var good = new MemoryStream();
        var failing = new FailingStream(failAfter: 50_000);
        using var fanOut = new FanOutStream([failing, good]);

        WriteInPieces(fanOut);

        CollectionAssert.AreEqual(Data, good.ToArray());
        Assert.IsInstanceOfType<IOException>(fanOut.FailureOf(0));
        Assert.IsNull(fanOut.FailureOf(1));
        Assert.IsTrue(failing.Written <= 50_000, "nothing more was written to the failed target");
    }

    [TestMethod]
    public void Writing_fails_once_every_target_has_failed()
    {
        using var fanOut = new FanOutStream([new FailingStream(10), new FailingStream(20_000)]);

        var failure = Assert.ThrowsExactly<IOException>(() => WriteInPieces(fanOut));

        StringAssert.Contains(failure.Message, "Every host");
    }

    [TestMethod]
    public void Members_get_the_one_archive_once_all_joined_or_left_and_a_failed_input_fails_only_its_member()
    {
        var writes = 0;
        var shared = new SharedUpload(4, output =>
        {
            Interlocked.Increment(ref writes);
            WriteInPieces(output);
        });
        var inputs = new Stream[] { new MemoryStream(), new FailingStream(1000), new MemoryStream() };
        var outcomes = new Exception?[4];

        var threads = Enumerable.Range(0, 4).Select(member => new Thread(() =>
        {
            try
            {
                if (member == 3)
                {
                    Thread.Sleep(200);
                    return;
                }

                shared.Join(member, inputs[member]);
            }
            catch (IOException e)
            {
                outcomes[member] = e;
            }
            finally
            {
                shared.Leave(member);
            }
        })).ToArray();
        Array.ForEach(threads, t => t.Start());
        Array.ForEach(threads, t => Assert.IsTrue(t.Join(TimeSpan.FromSeconds(30))));

        Assert.AreEqual(1, writes, "the archive is written once for all members");
        CollectionAssert.AreEqual(Data, ((MemoryStream)inputs[0]).ToArray());
        CollectionAssert.AreEqual(Data, ((MemoryStream)inputs[2]).ToArray());
        Assert.IsNull(outcomes[0]);
        Assert.IsNotNull(outcomes[1]);
        Assert.IsNull(outcomes[2]);
    }

    [TestMethod]
    public void A_failure_of_the_archive_itself_fails_every_member()
    {
        var shared = new SharedUpload(2, _ => throw new DeployException(ErrorCodes.SourceMissing, "'a.txt' changed"));
        var outcomes = new DeployException?[2];
        var threads = Enumerable.Range(0, 2).Select(member => new Thread(() =>
        {
            try
            {
                shared.Join(member, new MemoryStream());
            }
            catch (DeployException e)
            {
                outcomes[member] = e;
            }
        })).ToArray();
        Array.ForEach(threads, t => t.Start());
        Array.ForEach(threads, t => Assert.IsTrue(t.Join(TimeSpan.FromSeconds(30))));

        Assert.AreEqual(ErrorCodes.SourceMissing, outcomes[0]?.Code);
        Assert.AreEqual(ErrorCodes.SourceMissing, outcomes[1]?.Code);
    }

    private static void WriteInPieces(Stream output)
    {
        for (var offset = 0; offset < Data.Length; offset += 7_000)
        {
            output.Write(Data, offset, Math.Min(7_000, Data.Length - offset));
        }

        output.Flush();
    }

    /// <summary>An input whose connection breaks after some bytes.</summary>
    private sealed class FailingStream(int failAfter) : MemoryStream
    {
        public long Written { get; private set; }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Written + buffer.Length > failAfter)
            {
                throw new IOException("The connection was lost.");
            }

            Written += buffer.Length;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    }
}
