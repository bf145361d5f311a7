using System.Diagnostics;
using System.Text;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// A deployed app running as systemd's unit file runs it: <c>dotnet &lt;app&gt;.dll</c> with the
/// working folder <c>&lt;path&gt;/current</c>, listening on 127.0.0.1; stopped on dispose.
/// </summary>
internal sealed class AppFromCurrent : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    /// <param name="deployPath">The deploy folder.</param>
    /// <param name="assembly">The app's main assembly, e.g. <c>MyShop.dll</c>.</param>
    /// <param name="home">The app user's home folder (where Data Protection keeps its keys when told nothing).</param>
    /// <param name="environment">More environment variables for the app.</param>
    public AppFromCurrent(string deployPath, string assembly, string home, IReadOnlyDictionary<string, string?>? environment = null)
    {
        Port = Loopback.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.Combine(deployPath, "current"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}";
        start.Environment["HOME"] = home;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the app");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(10) };
        Wait.Until(Answers, TimeSpan.FromSeconds(60), $"the app to answer on port {Port}:\n{Output}");
    }

    public int Port { get; }

    /// <summary>A client for the app that keeps no cookies (the test sends them itself, as a browser would).</summary>
    public HttpClient Client { get; }

    /// <summary>Sends GET <paramref name="path"/> with <paramref name="cookie"/> (<c>name=value</c>), as a browser holding it would.</summary>
    public HttpResponseMessage Get(string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return Client.SendAsync(request).Result;
    }

    /// <summary>What the app printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private bool Answers()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"The app exited with {_process.ExitCode}:\n{Output}");
        }

        try
        {
            using var socket = new System.Net.Sockets.TcpClient();
            socket.Connect("127.0.0.1", Port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
