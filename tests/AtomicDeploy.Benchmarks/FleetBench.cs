using System.Diagnostics;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Operations;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;
using AtomicDeploy.Tests.Infrastructure;

namespace AtomicDeploy.Benchmarks;

/// <summary>One row of the fleet table: the times of one host and of all hosts, for one scenario.</summary>
internal sealed record FleetResult(string Name, string Description, int Hosts, IReadOnlyList<TimeSpan> One, IReadOnlyList<TimeSpan> Many)
{
    public TimeSpan OneMedian => ScenarioResult.Median(One);

    public TimeSpan ManyMedian => ScenarioResult.Median(Many);

    public double Ratio => ManyMedian / OneMedian;
}

/// <summary>
/// A fleet of real sshd servers on 127.0.0.1, each behind its own shaped link and each with its own
/// disk under the same deploy path (so one <see cref="Deployment"/> reaches them all, as with real
/// hosts). Deploys go through the fleet engine exactly as the tasks run it, to one host or to all.
/// </summary>
internal sealed class FleetBench : IDisposable
{
    private readonly TempFolder _common = new("atomicdeploy-bench-fleet-");
    private readonly List<SshServer> _servers = [];
    private readonly List<ShapedLink> _links = [];
    private readonly string _knownHosts;

    public FleetBench(int count, TimeSpan oneWayDelay, long bitsPerSecond)
    {
        for (var i = 0; i < count; i++)
        {
            _servers.Add(SshServer.StartWithOwnDisk(_common.Path));
            _links.Add(new ShapedLink(_servers[^1].Port, oneWayDelay, bitsPerSecond));
        }

        _knownHosts = _common.Combine("known_hosts");
        File.WriteAllLines(_knownHosts, _servers.Select((s, i) => $"[127.0.0.1]:{_links[i].Port} {s.HostKeyType} {s.HostKeyBase64}"));
    }

    private string Root => _common.Path + "/app";

    /// <summary>Runs the first deploy and the one-file change, each to one host and to every host, runs alternating.</summary>
    public IReadOnlyList<FleetResult> Run(Dataset data, int runs, int firstRuns)
    {
        var first = Measure("First deploy", "empty targets, whole dataset", firstRuns, (hosts, _) =>
        {
            Reset();
            return Deploy(hosts, data.Base);
        });
        var oneA = data.Variant("one-a", 1, staticOnly: true, flavour: 1);
        var oneB = data.Variant("one-b", 1, staticOnly: true, flavour: 2);
        var one = Measure("One file changed", "one static file edited", runs, (hosts, run) =>
        {
            if (run == 0)
            {
                Reset();
                Deploy(hosts, oneA);
            }

            return Deploy(hosts, run % 2 == 0 ? oneB : oneA);
        });
        return [first, one];
    }

    public void Dispose()
    {
        foreach (var link in _links)
        {
            link.Dispose();
        }

        foreach (var server in _servers)
        {
            server.Dispose();
        }

        _common.Dispose();
    }

    private FleetResult Measure(string name, string description, int runs, Func<int, int, TimeSpan> once)
    {
        var one = new List<TimeSpan>();
        var many = new List<TimeSpan>();
        for (var run = 0; run < runs; run++)
        {
            one.Add(once(1, run));
            many.Add(once(_servers.Count, run));
            Console.WriteLine($"  Fleet {name,-18} run {run + 1}/{runs}: 1 host {one[^1].TotalSeconds:0.000} s, {_servers.Count} hosts {many[^1].TotalSeconds:0.000} s");
        }

        return new FleetResult(name, description, _servers.Count, one, many);
    }

    /// <summary>Empties every server's deploy folder.</summary>
    private void Reset()
    {
        foreach (var server in _servers)
        {
            var app = Path.Combine(server.Disk!, "app");
            if (Directory.Exists(app))
            {
                Directory.Delete(app, recursive: true);
            }
        }
    }

    /// <summary>A whole deploy to the first <paramref name="hosts"/> servers with fresh connections, timed from the first connection to the end of pruning.</summary>
    private TimeSpan Deploy(int hosts, string source)
    {
        var clock = Stopwatch.StartNew();
        var targets = Enumerable.Range(0, hosts)
            .Select(i => new DeployTarget(_servers[i].HostSpec, EngineDeploy.Settings(_servers[i].User, _links[i].Port, _knownHosts, _servers[i].ClientKeyFile)))
            .ToArray();
        var settings = EngineDeploy.Deploy(Root, source, hosts: targets, timeout: TimeSpan.FromMinutes(5), lockWait: TimeSpan.FromSeconds(10));
        using var deployment = Deployment.Open(settings, new RecordingLog(), t => EngineDeploy.Connect(t.Ssh!));
        deployment.Run(DateTime.UtcNow, CancellationToken.None);

        return clock.Elapsed;
    }
}
