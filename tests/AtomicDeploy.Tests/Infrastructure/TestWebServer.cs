using System.Net;
using System.Net.Sockets;
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
    private int _requests;

    public TestWebServer(int status, string body)
    {
        Status = status;
        Body = body;
        Port = FreePort();
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

    public int Requests => Volatile.Read(ref _requests);

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

            var starting = Interlocked.Increment(ref _requests) <= StartingRequests;
            var bytes = Encoding.UTF8.GetBytes(starting ? "starting" : Body);
            context.Response.StatusCode = starting ? 503 : Status;
            context.Response.ContentType = "text/plain";
            context.Response.ContentLength64 = bytes.Length;
            context.Response.OutputStream.Write(bytes);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
