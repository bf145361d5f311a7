using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// Keep-alive HTTP clients requesting one URL without pause, each on one connection, until stopped
/// (at most <paramref name="limit"/>): what each answer said, what failed, and how long the slowest took.
/// Like a browser (RFC 9110 9.2.2), a GET sent on a kept-alive connection that the server closed
/// before any byte of an answer is sent once more on a new connection: nginx closes idle
/// keep-alive connections when its old workers stop after a reload, and a request can cross that
/// close. Such retries are counted in <see cref="Retried"/>; a retry that fails is a failure.
/// </summary>
internal sealed class LoadClients : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task[] _clients;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _requests;
    private int _retried;

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

    /// <summary>Requests sent again because their kept-alive connection was closed before any answer.</summary>
    public int Retried => Volatile.Read(ref _retried);

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
        $"{Requests} requests by {_clients.Length} keep-alive clients, {Failures.Count} failures, {Retried} sent again after a closed keep-alive connection, slowest {Timings.Select(t => t.Took).DefaultIfEmpty().Max().TotalMilliseconds:0} ms; per answer: {string.Join(", ", Seen.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}";

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
        var keptAlive = false;
        while (!_stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref _requests);
            var started = _clock.Elapsed;
            var (outcome, failure) = await Request(client, url, started);
            if (outcome is Outcome.ClosedBeforeAnswer && keptAlive)
            {
                Interlocked.Increment(ref _retried);
                (outcome, failure) = await Request(client, url, started);
            }

            Timings.Enqueue((_clock.Elapsed, _clock.Elapsed - started));
            keptAlive = outcome is Outcome.Answered;
            if (failure is not null)
            {
                Failures.Enqueue(failure);
            }
        }
    }

    private async Task<(Outcome Outcome, string? Failure)> Request(HttpClient client, Uri url, TimeSpan started)
    {
        try
        {
            using var response = await client.GetAsync(url, CancellationToken.None);
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (Outcome.Failed, $"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 80)]}");
            }

            Seen.AddOrUpdate(body, 1, (_, count) => count + 1);
            return (Outcome.Answered, null);
        }
        catch (HttpRequestException e) when (ClosedBeforeAnswer(e))
        {
            return (Outcome.ClosedBeforeAnswer, Describe(e, started));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return (Outcome.Failed, Describe(e, started));
        }
    }

    /// <summary>The connection ended (or was reset) before any byte of an answer came.</summary>
    private static bool ClosedBeforeAnswer(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ResponseEnded
        || e.InnerException is IOException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset } };

    private static string Describe(Exception e, TimeSpan started) =>
        $"{e.GetType().Name} at {started.TotalSeconds:0.000} s: {e.Message} {e.InnerException?.GetType().Name}: {e.InnerException?.Message} {e.InnerException?.InnerException?.Message}";

    private enum Outcome
    {
        Answered,
        Failed,
        ClosedBeforeAnswer,
    }
}
