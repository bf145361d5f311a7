using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on 127.0.0.1 that delays every byte by <c>oneWayDelay</c> in each direction, like a
/// link with that latency (bandwidth is not limited: data keeps flowing while earlier data waits).
/// For measurements of deploys over slow links; shared with the benchmark harness.
/// </summary>
internal sealed class DelayingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly TimeSpan _delay;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];

    public DelayingProxy(int targetPort, TimeSpan oneWayDelay)
    {
        _targetPort = targetPort;
        _delay = oneWayDelay;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    /// <summary>The port to connect to instead of the target's.</summary>
    public int Port { get; }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var target = new TcpClient { NoDelay = true };
            client.NoDelay = true;
            lock (_connections)
            {
                _connections.Add(client);
                _connections.Add(target);
            }

            await target.ConnectAsync(IPAddress.Loopback, _targetPort);
            _ = PumpAsync(client, target);
            _ = PumpAsync(target, client);
        }
    }

    // Reads as fast as data comes; each chunk is written once it has waited the delay since it arrived.
    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        var chunks = Channel.CreateUnbounded<(long Arrived, byte[] Data)>();
        var writer = Task.Run(async () =>
        {
            try
            {
                await foreach (var (arrived, data) in chunks.Reader.ReadAllAsync(_stop.Token))
                {
                    var wait = _delay - Stopwatch.GetElapsedTime(arrived);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, _stop.Token);
                    }

                    await to.GetStream().WriteAsync(data, _stop.Token);
                }

                to.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The other side or the proxy is gone.
            }
        });

        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.GetStream().ReadAsync(buffer, _stop.Token)) > 0)
            {
                chunks.Writer.TryWrite((Stopwatch.GetTimestamp(), buffer[..read]));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The other side or the proxy is gone.
        }

        chunks.Writer.TryComplete();
        await writer;
    }
}
