using System.Net;
using System.Text;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// A real HTTP server on 127.0.0.1 for health checks: answers every request with <see cref="Status"/>
/// and <see cref="Body"/> (the first <see cref="StartingRequests"/> with 503, like an app still
/// starting), and counts the requests.
/// </summary>
internal sealed class TestWebServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Thread _thread;
    private readonly System.Collections.Concurrent.ConcurrentQueue<DateTime> _answered = new();
    private int _requests;

    public TestWebServer(int status, string body)
    {
        Status = status;
        Body = body;
        Port = Loopback.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _thread = new Thread(Serve) { IsBackground = true, Name = "test web server" };
        _thread.Start();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/health";

    public int Status { get; set; }

    public string Body { get; set; }

    public int StartingRequests { get; set; }

    /// <summary>When set, requests after this many answer 500: with several hosts checking, the ones that come late fail.</summary>
    public int? HealthyRequests { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>When each request was answered (UTC), in order.</summary>
    public DateTime[] AnsweredAt => _answered.ToArray();

    public void Dispose()
    {
        _listener.Close();
        _thread.Join(TimeSpan.FromSeconds(5));
    }

    private void Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = _listener.GetContext();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var count = Interlocked.Increment(ref _requests);
            var starting = count <= StartingRequests;
            var sick = count > HealthyRequests;
            var bytes = Encoding.UTF8.GetBytes(starting ? "starting" : sick ? "unhealthy" : Body);
            context.Response.StatusCode = starting ? 503 : sick ? 500 : Status;
            context.Response.ContentType = "text/plain";
            context.Response.ContentLength64 = bytes.Length;
            context.Response.OutputStream.Write(bytes);
            context.Response.Close();
            _answered.Enqueue(DateTime.UtcNow);
        }
    }
}
