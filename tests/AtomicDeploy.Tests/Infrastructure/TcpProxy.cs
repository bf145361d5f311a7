using System.Net;
using System.Net.Sockets;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of the test sshd, so a test can cut a live connection the way
/// a network failure does (both sockets reset at once), or stall it as a black hole does (the
/// connections stay open, nothing gets through). It can also drop the first connections before
/// anything is relayed (as a busy sshd's MaxStartups does), hold each new one back for a while (a
/// slow link's handshake), hold back what is sent for a while without losing it (a link that
/// pauses), and tells when it accepted each connection.
/// </summary>
internal sealed class TcpProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _sockets = [];
    private readonly int _targetPort;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly List<TimeSpan> _accepted = [];
    private volatile bool _stalled;
    private TaskCompletionSource? _paused;
    private int _toDrop;

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many of the next connections are closed on arrival, before the server's banner: reset, or closed as a FIN.</summary>
    public void DropNext(int count, bool reset)
    {
        _dropReset = reset;
        Volatile.Write(ref _toDrop, count);
    }

    private volatile bool _dropReset;

    /// <summary>How long each connection waits after it arrived before anything is relayed.</summary>
    public TimeSpan HoldEach { get; set; }

    /// <summary>When each connection arrived, in the proxy's own time (from its start).</summary>
    public IReadOnlyList<TimeSpan> Accepted
    {
        get
        {
            lock (_accepted)
            {
                return _accepted.ToArray();
            }
        }
    }

    /// <summary>The proxy's own clock, as <see cref="Accepted"/> counts it.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>From now on, nothing is relayed either way; the connections stay open until <see cref="Cut"/>.</summary>
    public void Stall() => _stalled = true;

    /// <summary>
    /// From now on, until <see cref="Resume"/>, nothing more is relayed either way, but nothing is
    /// lost: the proxy stops reading, so the sender's writes wait as on a link that pauses.
    /// </summary>
    public void Pause() => Interlocked.CompareExchange(ref _paused, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);

    /// <summary>Relays again, first what was held back.</summary>
    public void Resume() => Interlocked.Exchange(ref _paused, null)?.TrySetResult();

    /// <summary>Resets every connection relayed so far.</summary>
    public void Cut()
    {
        Resume();
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                }
                catch (ObjectDisposedException)
                {
                }
            }

            _sockets.Clear();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        Cut();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_accepted)
            {
                _accepted.Add(_clock.Elapsed);
            }

            if (Interlocked.Decrement(ref _toDrop) >= 0)
            {
                client.LingerState = new LingerOption(_dropReset, 0);
                client.Close();
                continue;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        if (HoldEach > TimeSpan.Zero)
        {
            await Task.Delay(HoldEach);
        }

        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await server.ConnectAsync(IPAddress.Loopback, _targetPort);
        lock (_sockets)
        {
            _sockets.Add(client);
            _sockets.Add(server);
        }

        _ = PumpAsync(client, server);
        _ = PumpAsync(server, client);
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[1 << 16];
        try
        {
            while (await from.ReceiveAsync(buffer) is var read and > 0)
            {
                if (_stalled)
                {
                    continue;
                }

                if (Volatile.Read(ref _paused) is { } paused)
                {
                    await paused.Task;
                }

                await to.SendAsync(buffer.AsMemory(0, read));
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // A reset on one side (a killed client, or Cut) ends the other side too, as the network would.
            try
            {
                to.LingerState = new LingerOption(true, 0);
                to.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
