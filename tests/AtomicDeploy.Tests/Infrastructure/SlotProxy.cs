using System.Diagnostics;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// Debian's nginx in front of a two-slot app, as the docs set it up: its upstream includes
/// <c>&lt;path&gt;/upstream.conf</c>. It runs as the deploy user (so the deploy's reload command,
/// <see cref="ReloadCommand"/>, may signal it), in the foreground, on a free loopback port, with
/// every file in its own folder; <paramref name="inside"/> starts it in another network namespace.
/// </summary>
internal sealed class SlotProxy : IDisposable
{
    private const string NginxPath = "/usr/sbin/nginx";

    private readonly TempFolder _folder = new("atomicdeploy-slotproxy-");
    private readonly Process _process;
    private readonly string _pidFile;

    /// <param name="server">The server whose deploy user runs nginx.</param>
    /// <param name="deployPath">The deploy folder as nginx sees it.</param>
    /// <param name="firstPort">The port <c>upstream.conf</c> names before the first deploy.</param>
    /// <param name="inside">Wraps the command to run it in a network namespace, or null.</param>
    /// <param name="upstreamFile">Where nginx finds <c>upstream.conf</c>, when it sees the deploy folder elsewhere than the server does.</param>
    /// <param name="pidFile">Where nginx writes its pid (default: its own folder).</param>
    public SlotProxy(SshServer server, string deployPath, int firstPort, Func<string[], string[]>? inside = null, string? upstreamFile = null, string? pidFile = null)
    {
        _pidFile = pidFile ?? _folder.Combine("nginx.pid");
        Port = Loopback.FreePort();
        var upstream = upstreamFile ?? Path.Combine(deployPath, "upstream.conf");
        server.RunAsUser($"mkdir -p '{Path.GetDirectoryName(upstream)}' && [ -f '{upstream}' ] || echo 'server 127.0.0.1:{firstPort};' > '{upstream}'");
        var config = _folder.Combine("nginx.conf");
        File.WriteAllText(config, $$"""
            daemon off;
            worker_processes 2;
            pid {{_pidFile}};
            error_log {{_folder.Combine("error.log")}} warn;
            events { worker_connections 512; }
            http {
              access_log off;
              client_body_temp_path {{_folder.Combine("body")}};
              proxy_temp_path {{_folder.Combine("proxy")}};
              fastcgi_temp_path {{_folder.Combine("fastcgi")}};
              uwsgi_temp_path {{_folder.Combine("uwsgi")}};
              scgi_temp_path {{_folder.Combine("scgi")}};
              keepalive_requests 1000000;
              keepalive_timeout 120s;
              upstream app { include {{upstream}}; }
              server {
                listen 127.0.0.1:{{Port}};
                location / {
                  proxy_pass http://app;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                }
              }
            }

            """);
        server.GiveToUser(_folder.Path);
        File.SetUnixFileMode(_folder.Path, (UnixFileMode)0b111_101_101);
        string[] command = [NginxPath, "-p", _folder.Path + "/", "-e", _folder.Combine("error.log"), "-c", config];
        if (server.IsRoot)
        {
            command = ["setpriv", $"--reuid={server.User}", $"--regid={server.User}", "--init-groups", .. command];
        }

        command = inside?.Invoke(command) ?? command;
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        if (inside is null)
        {
            Loopback.WaitUntilListening(_process, Port, "nginx", () => ErrorLog);
        }
        else
        {
            Loopback.WaitFor(() => _process.HasExited || File.Exists(_pidFile), TimeSpan.FromSeconds(15), "nginx to start in its network namespace");
        }
    }

    /// <summary>The port nginx listens on (in its own network namespace, if it has one).</summary>
    public int Port { get; }

    /// <summary>The graceful reload, as the deploy user runs it: SIGHUP to the master.</summary>
    public string ReloadCommand => $"kill -HUP \"$(cat '{_pidFile}')\"";

    public string ErrorLog => File.Exists(_folder.Combine("error.log")) ? File.ReadAllText(_folder.Combine("error.log")) : string.Empty;

    public void Dispose() => Loopback.Stop(_process, _folder);
}
