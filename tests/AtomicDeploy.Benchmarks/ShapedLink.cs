using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AtomicDeploy.Benchmarks;

/// <summary>
/// A TCP proxy on 127.0.0.1 that behaves like a slow network path to <c>upstreamPort</c>: every
/// byte, in each direction, waits for its turn on a link of <c>bitsPerSecond</c> (a token bucket
/// with no burst: back-to-back bytes leave at the link's rate) and then travels <c>oneWayDelay</c>
/// (a delay queue). Order is kept, as TCP keeps it. Written in user space so no kernel features
/// (tc, netem, namespaces) are needed.
/// </summary>
internal sealed class ShapedLink : IDisposable
{
    // Small chunks keep the shaping smooth: 16 KB is 1.3 ms at 100 Mbit/s.
    private const int ChunkSize = 16 * 1024;

    // How much one direction may hold in flight before the sender is held back (about 2.5 times
    // the bandwidth-delay product of 100 Mbit/s x 50 ms), as a real path's buffers would.
    private const int MaxQueuedChunks = 100;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly TimeSpan _oneWayDelay;
    private readonly double _bytesPerSecond;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _acceptor;

    public ShapedLink(int upstreamPort, TimeSpan oneWayDelay, long bitsPerSecond)
    {
        _upstreamPort = upstreamPort;
        _oneWayDelay = oneWayDelay;
        _bytesPerSecond = bitsPerSecond / 8.0;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptor = new Thread(Accept) { IsBackground = true, Name = "shaped-link-accept" };
        _acceptor.Start();
    }

    public int Port { get; }

    private long _turns;
    private long _bytesUp;
    private long _bytesDown;
    private long _connections;

    /// <summary>
    /// What crossed the link since the last call (and starts counting anew): connections, bytes
    /// each way, and turns: times a client spoke again after it had received what the server sent
    /// since it last spoke, i.e. round trips it waited for (the TCP handshake itself is not shaped).
    /// </summary>
    public LinkTraffic TakeTraffic() => new(
        (int)Interlocked.Exchange(ref _connections, 0),
        (int)Interlocked.Exchange(ref _turns, 0),
        Interlocked.Exchange(ref _bytesUp, 0),
        Interlocked.Exchange(ref _bytesDown, 0));

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _acceptor.Join(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    private void Accept()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = _listener.AcceptSocket();
            }
            catch (SocketException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try
            {
                upstream.Connect(IPAddress.Loopback, _upstreamPort);
            }
            catch (SocketException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }

            Interlocked.Increment(ref _connections);
            var connection = new Connection(client, upstream);
            connection.Start(this);
        }
    }

    /// <summary>One proxied connection: two directions, closed when both have ended.</summary>
    private sealed class Connection(Socket client, Socket upstream)
    {
        private readonly Lock _turn = new();
        private int _open = 2;
        private long _lastUpTicks;
        private long _lastDownDueTicks;

        public void Start(ShapedLink link)
        {
            new Direction(link, client, upstream, Ended, this, up: true).Start("up");
            new Direction(link, upstream, client, Ended, this, up: false).Start("down");
        }

        /// <summary>Counts a turn when the client speaks after the server's last words reached it (and it has not spoken since they did).</summary>
        public void Spoke(ShapedLink link, bool up, long nowTicks, long dueTicks, int bytes)
        {
            Interlocked.Add(ref up ? ref link._bytesUp : ref link._bytesDown, bytes);
            lock (_turn)
            {
                if (!up)
                {
                    _lastDownDueTicks = dueTicks;
                    return;
                }

                if (_lastDownDueTicks > _lastUpTicks && _lastDownDueTicks <= nowTicks)
                {
                    Interlocked.Increment(ref link._turns);
                }

                _lastUpTicks = nowTicks;
            }
        }

        private void Ended()
        {
            if (Interlocked.Decrement(ref _open) == 0)
            {
                client.Dispose();
                upstream.Dispose();
            }
        }
    }

    /// <summary>One direction: a reader that stamps each chunk with its delivery time, a writer that delivers it then.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The queue lives as long as its two threads, which end with the connection; it holds no wait handle unless asked for one.")]
    private sealed class Direction(ShapedLink link, Socket from, Socket to, Action ended, Connection connection, bool up)
    {
        private readonly BlockingCollection<(byte[] Data, int Length, long DueTicks)> _queue = new(MaxQueuedChunks);
        private long _linkFreeTicks;

        public void Start(string name)
        {
            new Thread(Read) { IsBackground = true, Name = "shaped-link-read-" + name }.Start();
            new Thread(Write) { IsBackground = true, Name = "shaped-link-write-" + name }.Start();
        }

        private void Read()
        {
            try
            {
                while (true)
                {
                    var buffer = new byte[ChunkSize];
                    var read = from.Receive(buffer);
                    if (read == 0)
                    {
                        break;
                    }

                    // The chunk leaves when the link is free and has carried it, then travels the delay.
                    var now = Stopwatch.GetTimestamp();
                    var start = Math.Max(now, _linkFreeTicks);
                    _linkFreeTicks = start + (long)(read / link._bytesPerSecond * Stopwatch.Frequency);
                    var due = _linkFreeTicks + (long)(link._oneWayDelay.TotalSeconds * Stopwatch.Frequency);
                    connection.Spoke(link, up, now, due, read);
                    _queue.Add((buffer, read, due));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // The other side is gone: end this direction.
            }
            finally
            {
                _queue.CompleteAdding();
            }
        }

        private void Write()
        {
            try
            {
                foreach (var (data, length, due) in _queue.GetConsumingEnumerable())
                {
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                    if (wait > TimeSpan.Zero)
                    {
                        Thread.Sleep(wait);
                    }

                    for (var sent = 0; sent < length;)
                    {
                        sent += to.Send(data, sent, length - sent, SocketFlags.None);
                    }
                }

                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The receiver is gone: stop reading too, so the sender sees the connection end.
                try
                {
                    from.Shutdown(SocketShutdown.Both);
                }
                catch (Exception inner) when (inner is SocketException or ObjectDisposedException)
                {
                }

                while (_queue.TryTake(out _))
                {
                }
            }
            finally
            {
                ended();
            }
        }
    }
}

/// <summary>What crossed the shaped link during one deploy.</summary>
internal sealed record LinkTraffic(int Connections, int Turns, long BytesUp, long BytesDown);
