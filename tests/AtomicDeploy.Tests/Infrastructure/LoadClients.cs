using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// Keep-alive HTTP clients requesting one URL without pause, each on one connection, until stopped
/// (at most <paramref name="limit"/>): what each answer said, what failed, and how long the slowest took.
/// </summary>
internal sealed class LoadClients : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task[] _clients;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _requests;

    public LoadClients(Uri url, int count, TimeSpan limit)
    {
        _stop = new CancellationTokenSource(limit);
        _clients = Enumerable.Range(0, count).Select(_ => Task.Run(() => Run(url))).ToArray();
    }

    /// <summary>How many answers said each text (200s only).</summary>
    public ConcurrentDictionary<string, int> Seen { get; } = new();

    /// <summary>Every request that did not get a 200 (status and body, or the exception).</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>Each request's end (time since the start) and duration.</summary>
    public ConcurrentQueue<(TimeSpan End, TimeSpan Took)> Timings { get; } = new();

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Time since the clients started (to mark moments, such as a flip, against <see cref="Timings"/>).</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>The slowest request that was in flight in any of <paramref name="windows"/>.</summary>
    public TimeSpan SlowestDuring(IEnumerable<(TimeSpan From, TimeSpan To)> windows) =>
        windows.SelectMany(w => Timings.Where(t => t.End >= w.From && t.End - t.Took <= w.To)).Select(t => t.Took).DefaultIfEmpty().Max();

    /// <summary>Waits (bounded) until <paramref name="text"/> was answered and <paramref name="more"/> further requests were made.</summary>
    public void WaitFor(string text, int more, TimeSpan limit)
    {
        var before = Requests;
        Wait.Until(() => Seen.ContainsKey(text) && Requests > before + more, limit, $"'{text}' to be served under load ({Failures.Count} failures so far)");
    }

    public void Stop()
    {
        _stop.Cancel();
        if (!Task.WaitAll(_clients, TimeSpan.FromSeconds(20)))
        {
            throw new TimeoutException("The load clients did not stop.");
        }
    }

    public string Describe() =>
        $"{Requests} requests by {_clients.Length} keep-alive clients, {Failures.Count} failures, slowest {Timings.Select(t => t.Took).DefaultIfEmpty().Max().TotalMilliseconds:0} ms; per answer: {string.Join(", ", Seen.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}";

    public void Dispose()
    {
        _stop.Cancel();
        Task.WaitAll(_clients, TimeSpan.FromSeconds(20));
        _stop.Dispose();
    }

    private async Task Run(Uri url)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        while (!_stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref _requests);
            var started = _clock.Elapsed;
            try
            {
                using var response = await client.GetAsync(url, CancellationToken.None);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                Timings.Enqueue((_clock.Elapsed, _clock.Elapsed - started));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Failures.Enqueue($"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 80)]}");
                    continue;
                }

                Seen.AddOrUpdate(body, 1, (_, count) => count + 1);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                Failures.Enqueue($"{e.GetType().Name} at {started.TotalSeconds:0.000} s: {e.Message} {e.InnerException?.GetType().Name}: {e.InnerException?.Message} {e.InnerException?.InnerException?.Message}");
            }
        }
    }
}
