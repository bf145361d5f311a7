using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Operations;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// Several real sshd servers on 127.0.0.1, each in its own mount namespace, all with the same deploy
/// path (<see cref="Root"/>) that is a different disk on each. Needs root (the tests run as root in CI).
/// </summary>
internal sealed class SshFleet : IDisposable
{
    private readonly TempFolder _common = new("atomicdeploy-fleet-");
    private readonly TempFolder _client = new("atomicdeploy-fleet-client-");
    private readonly List<SshServer> _servers = [];

    /// <summary>Ends the calling test as inconclusive unless it runs as root: a fleet of servers with their own disks needs mount namespaces.</summary>
    public static void RequireRoot()
    {
        if (Environment.UserName != "root")
        {
            Assert.Inconclusive("A fleet of servers with their own disks needs mount namespaces: run the tests as root (CI does).");
        }
    }

    /// <summary>Starts <paramref name="count"/> servers; <paramref name="sessionPath"/> may give a server (by index) a PATH of its own.</summary>
    public SshFleet(int count, Func<int, string?>? sessionPath = null)
    {
        try
        {
            for (var i = 0; i < count; i++)
            {
                _servers.Add(SshServer.StartWithOwnDisk(_common.Path, sessionPath?.Invoke(i)));
                _servers[^1].Authorize(_servers[0]);
            }

            KnownHostsFile = System.IO.Path.Combine(_client.Path, "known_hosts");
            File.WriteAllLines(KnownHostsFile, _servers.Select(s => $"[127.0.0.1]:{s.Port} {s.HostKeyType} {s.HostKeyBase64}"));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyList<SshServer> Servers => _servers;

    /// <summary>One known_hosts file with every server's key, as a user's would be.</summary>
    public string KnownHostsFile { get; } = string.Empty;

    /// <summary>The one client key every server accepts.</summary>
    public string ClientKeyFile => _servers[0].ClientKeyFile;

    /// <summary>The deploy path, the same on every server.</summary>
    public string Root => _common.Path + "/app";

    /// <summary>Every server's host spec, <c>;</c>-separated, as <c>AtomicDeployHost</c> takes it.</summary>
    public string HostList => string.Join(';', _servers.Select(s => s.HostSpec));

    /// <summary>Where the tests see a server's deploy folder (its own disk).</summary>
    public static string RootOn(SshServer server) => server.Disk! + "/app";

    /// <summary>The engine's settings for a deploy of <paramref name="source"/> to every server; <paramref name="hostHooks"/> gives a server its own switch settings (null: the deploy's).</summary>
    public DeploySettings Settings(string? source, SwitchHookSettings? hooks = null, int parallelism = int.MaxValue, Func<int, SwitchHookSettings?>? hostHooks = null) =>
        EngineDeploy.Deploy(Root, source, hosts: _servers.Select((s, i) => new DeployTarget(s.HostSpec, EngineDeploy.Settings(s)) { Hooks = hostHooks?.Invoke(i) }).ToArray(), hooks: hooks, timeout: CheckedDeploy.Timeout, lockWait: TimeSpan.FromSeconds(10), parallelism: parallelism);

    /// <summary>The deployment to every server, connected.</summary>
    public Deployment Open(string? source, RecordingLog? log = null, SwitchHookSettings? hooks = null, int parallelism = int.MaxValue) =>
        Deployment.Open(Settings(source, hooks, parallelism), log ?? new RecordingLog(), t => EngineDeploy.Connect(t.Ssh!));

    /// <summary>A whole fleet deploy through the engine, as the targets run it; on failure the deployment aborts, as the tasks do.</summary>
    public string Deploy(string source, SwitchHookSettings? hooks = null, RecordingLog? log = null, int parallelism = int.MaxValue)
    {
        using var deployment = Open(source, log, hooks, parallelism);
        return deployment.Run(DateTime.UtcNow, CancellationToken.None);
    }

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        _common.Dispose();
        _client.Dispose();
    }
}
