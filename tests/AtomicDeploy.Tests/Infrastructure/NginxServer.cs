using System.Diagnostics;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// Debian's nginx, started by a test in the foreground with its own config, pid, log and temp
/// paths in a temp folder, serving one folder on a free 127.0.0.1 port; stopped on dispose.
/// </summary>
internal sealed class NginxServer : IDisposable
{
    private const string NginxPath = "/usr/sbin/nginx";

    private readonly TempFolder _folder = new("atomicdeploy-nginx-");
    private readonly Process _process;

    /// <param name="documentRoot">The folder served at <c>/</c> (through symlinks, resolved at every request as nginx does).</param>
    /// <param name="workerUser">The user the workers run as when the tests run as root.</param>
    public NginxServer(string documentRoot, string? workerUser)
    {
        if (!File.Exists(NginxPath))
        {
            throw new InvalidOperationException($"{NginxPath} is missing: install Debian's nginx (apt-get install -y nginx-light). build/test.sh installs it.");
        }

        File.SetUnixFileMode(_folder.Path, (UnixFileMode)0b111_101_101);
        Port = Loopback.FreePort();
        var config = _folder.Combine("nginx.conf");
        File.WriteAllText(config, $$"""
            daemon off;
            {{(workerUser is null ? string.Empty : $"user {workerUser};")}}
            worker_processes 2;
            pid {{_folder.Combine("nginx.pid")}};
            error_log {{_folder.Combine("error.log")}} warn;
            events { worker_connections 256; }
            http {
              access_log off;
              client_body_temp_path {{_folder.Combine("body")}};
              proxy_temp_path {{_folder.Combine("proxy")}};
              fastcgi_temp_path {{_folder.Combine("fastcgi")}};
              uwsgi_temp_path {{_folder.Combine("uwsgi")}};
              scgi_temp_path {{_folder.Combine("scgi")}};
              keepalive_requests 1000000;
              keepalive_timeout 120s;
              server {
                listen 127.0.0.1:{{Port}};
                root {{documentRoot}};
                location / { }
              }
            }

            """);

        var start = new ProcessStartInfo(NginxPath) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-p", _folder.Path + "/", "-e", _folder.Combine("error.log"), "-c", config })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        Loopback.WaitUntilListening(_process, Port, "nginx", () => ErrorLog);
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public string ErrorLog => File.Exists(_folder.Combine("error.log")) ? File.ReadAllText(_folder.Combine("error.log")) : string.Empty;

    public void Dispose() => Loopback.Stop(_process, _folder);
}
