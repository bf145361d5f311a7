using AtomicDeploy.Core;
using AtomicDeploy.Core.Fleet;
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

    public SshFleet(int count)
    {
        try
        {
            for (var i = 0; i < count; i++)
            {
                _servers.Add(SshServer.StartWithOwnDisk(_common.Path));
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

    /// <summary>A whole fleet deploy through the engine, as the targets run it; on failure the fleet aborts, as the tasks do.</summary>
    public string Deploy(string source, SwitchHookSettings? hooks = null, RecordingLog? log = null, int parallelism = int.MaxValue)
    {
        log ??= new RecordingLog();
        var hosts = _servers.Select(s => (s.HostSpec, (Func<IRemoteShell>)(() => EngineDeploy.Connect(EngineDeploy.Settings(s))))).ToArray();
        using var fleet = FleetSession.Open(hosts, Root, EngineDeploy.Context, log, new RemoteTimeouts(CheckedDeploy.Timeout, TimeSpan.FromSeconds(10)), parallelism);
        try
        {
            var release = fleet.Prepare(CopyMode.HardLink, DateTime.UtcNow, CancellationToken.None);
            fleet.Upload(source, null, CancellationToken.None);
            fleet.LinkShared([], CancellationToken.None);
            FleetSwitch.Run(fleet, hooks ?? SwitchHookSettings.None, CancellationToken.None);
            fleet.Prune(3, CancellationToken.None);
            return release;
        }
        catch (DeployException e)
        {
            fleet.Abort(e);
            throw;
        }
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
