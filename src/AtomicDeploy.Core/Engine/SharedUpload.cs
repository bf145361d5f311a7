using System.Runtime.ExceptionServices;
using AtomicDeploy.Core.Upload;

namespace AtomicDeploy.Core.Engine;

/// <summary>
/// One archive stream for several hosts whose changes are identical (the usual fleet: every host
/// runs the same release): each member's upload command hands its input here, and once every member
/// has either joined or dropped out (its upload failed before sending), one of them writes the
/// archive through a <see cref="FanOutStream"/> to all, so files are read, hashed and compressed
/// once. A host whose stream fails fails alone, with its own error; a failure of the archive itself
/// (a file changed while sent) fails every member. Members must run at the same time.
/// </summary>
internal sealed class SharedUpload(int members, Action<Stream> writeArchive)
{
    private readonly object _gate = new();
    private readonly Stream?[] _inputs = new Stream?[members];
    private readonly bool[] _arrived = new bool[members];
    private int _waitingFor = members;
    private bool _writing;
    private bool _written;
    private Exception?[] _ownFailures = [];
    private ExceptionDispatchInfo? _failure;

    /// <summary>Called by member <paramref name="member"/>'s upload with its input: returns once the archive was written to it, or throws why it was not.</summary>
    public void Join(int member, Stream input)
    {
        bool writer;
        lock (_gate)
        {
            _inputs[member] = input;
            Arrive(member);
            while (_waitingFor > 0)
            {
                Monitor.Wait(_gate);
            }

            writer = !_writing;
            _writing = true;
        }

        if (writer)
        {
            Write();
        }

        lock (_gate)
        {
            while (!_written)
            {
                Monitor.Wait(_gate);
            }
        }

        if (_ownFailures[member] is { } own)
        {
            ExceptionDispatchInfo.Throw(own);
        }

        _failure?.Throw();
    }

    /// <summary>Called when member <paramref name="member"/>'s upload ended: if it never joined, the others stop waiting for it.</summary>
    public void Leave(int member)
    {
        lock (_gate)
        {
            Arrive(member);
        }
    }

    private void Arrive(int member)
    {
        if (!_arrived[member])
        {
            _arrived[member] = true;
            _waitingFor--;
            Monitor.PulseAll(_gate);
        }
    }

    private void Write()
    {
        var joined = Enumerable.Range(0, _inputs.Length).Where(i => _inputs[i] is not null).ToArray();
        using var fanOut = new FanOutStream(joined.Select(i => _inputs[i]!).ToArray());
        try
        {
            writeArchive(fanOut);
            fanOut.Flush();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
        }

        lock (_gate)
        {
            _ownFailures = new Exception?[_inputs.Length];
            for (var p = 0; p < joined.Length; p++)
            {
                _ownFailures[joined[p]] = fanOut.FailureOf(p);
            }

            _written = true;
            Monitor.PulseAll(_gate);
        }
    }
}
