using System.Diagnostics;
using AtomicDeploy.Core.Engine;
using AtomicDeploy.Tests.Infrastructure;

namespace AtomicDeploy.Benchmarks;

/// <summary>One scenario's numbers for one host count: the runs as users run them, and the engine's in-process times.</summary>
internal sealed record FleetCell(int Hosts, IReadOnlyList<FleetRun> Runs, IReadOnlyList<TimeSpan> InProcess)
{
    public TimeSpan Wall => ScenarioResult.Median(Runs.Select(r => r.Wall).ToList());

    public TimeSpan Cpu => ScenarioResult.Median(Runs.Select(r => r.Cpu).ToList());

    public TimeSpan MachineCpu => ScenarioResult.Median(Runs.Select(r => r.MachineCpu).ToList());

    public TimeSpan LinkCpu => ScenarioResult.Median(Runs.Select(r => r.LinkCpu).ToList());

    public TimeSpan? InProcessMedian => InProcess.Count == 0 ? null : ScenarioResult.Median(InProcess);

    /// <summary>The median of one MSBuild task's (or trace part's) time; zero when it was not seen.</summary>
    public TimeSpan Task(string name) => ScenarioResult.Median(Runs.Select(r => r.Tasks.TryGetValue(name, out var t) ? t : TimeSpan.Zero).ToList());
}

/// <summary>One row group of the fleet table: a scenario at every host count.</summary>
internal sealed record FleetResult(string Name, string Description, IReadOnlyList<FleetCell> Cells)
{
    public FleetCell? Cell(int hosts) => Cells.FirstOrDefault(c => c.Hosts == hosts);
}

/// <summary>
/// A fleet of real sshd servers on 127.0.0.1, each behind its own shaped link and each with its own
/// disk under the same deploy path (so one deploy reaches them all, as with real hosts). Each
/// deploy is a fresh <c>dotnet publish</c> to the first 1, 4, ... of them (<see cref="FleetPublish"/>),
/// the host counts taking turns (their order reversed every other run); the one-file change is also
/// timed through the engine in this process, as a second column.
/// </summary>
internal sealed class FleetBench : IDisposable
{
    private readonly TempFolder _common = new("atomicdeploy-bench-fleet-");
    private readonly List<SshServer> _servers = [];
    private readonly List<ShapedLink> _links = [];
    private readonly string _knownHosts;
    private int _flavour = 100;

    public FleetBench(int count, TimeSpan oneWayDelay, long bitsPerSecond)
    {
        for (var i = 0; i < count; i++)
        {
            _servers.Add(SshServer.StartWithOwnDisk(_common.Path));
            _servers[^1].Authorize(_servers[0]);
            _links.Add(new ShapedLink(_servers[^1].Port, oneWayDelay, bitsPerSecond));
        }

        _knownHosts = _common.Combine("known_hosts");
        File.WriteAllLines(_knownHosts, _servers.Select((s, i) => $"[127.0.0.1]:{_links[i].Port} {s.HostKeyType} {s.HostKeyBase64}"));
    }

    private string Root => _common.Path + "/app";

    /// <summary>The first deploy (unless <paramref name="firstRuns"/> is 0) and the one-file change at each of <paramref name="counts"/> hosts.</summary>
    public IReadOnlyList<FleetResult> Run(Dataset data, BenchApp app, IReadOnlyList<int> counts, int runs, int firstRuns)
    {
        var publish = new FleetPublish(app, Root, _knownHosts, _servers[0].ClientKeyFile);
        publish.Warm(data.Base);
        List<FleetResult> results = [];
        if (firstRuns > 0)
        {
            results.Add(Measure("First deploy", "empty targets, whole dataset", counts, firstRuns, hosts =>
            {
                Reset(hosts);
                return Counted(() => publish.Deploy(Specs(hosts), data.Base));
            }));
        }

        // Every host gets as many releases as a deploy keeps first (untimed), so every timed deploy
        // also prunes one on every host it names, as a user's deploys do from their fourth on; then
        // every deploy edits the same static file anew, so each timed deploy sends exactly one
        // changed file to every host it names.
        for (var i = 0; i < FleetPublish.KeepReleases; i++)
        {
            publish.Deploy(Specs(_servers.Count), NextVariant(data));
        }

        var one = Measure("One file changed", "one static file edited", counts, runs, hosts =>
        {
            var source = NextVariant(data);
            return Counted(() => publish.Deploy(Specs(hosts), source));
        });

        // The engine in this process, for comparison: its own live release everywhere first.
        InProcess(_servers.Count, NextVariant(data));
        var inProcess = counts.ToDictionary(n => n, _ => new List<TimeSpan>());
        for (var run = 0; run < runs; run++)
        {
            foreach (var hosts in Order(counts, run))
            {
                inProcess[hosts].Add(InProcess(hosts, NextVariant(data)));
            }
        }

        results.Add(one with { Cells = one.Cells.Select(c => c with { InProcess = inProcess[c.Hosts] }).ToArray() });
        return results;
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

    private static IEnumerable<int> Order(IReadOnlyList<int> counts, int run) => run % 2 == 0 ? counts : counts.Reverse();

    private static FleetResult Measure(string name, string description, IReadOnlyList<int> counts, int runs, Func<int, FleetRun> once)
    {
        var results = counts.ToDictionary(n => n, _ => new List<FleetRun>());
        for (var run = 0; run < runs; run++)
        {
            foreach (var hosts in Order(counts, run))
            {
                var result = once(hosts);
                results[hosts].Add(result);
                Console.WriteLine($"  Fleet {name,-18} run {run + 1}/{runs}: {hosts,2} host(s) {result.Wall.TotalSeconds:0.000} s, client CPU {result.Cpu.TotalSeconds:0.00} s, machine {result.MachineCpu.TotalSeconds:0.00} s, links {result.LinkCpu.TotalSeconds:0.00} s (load {Load()})");
            }
        }

        return new FleetResult(name, description, counts.Select(n => new FleetCell(n, results[n], [])).ToArray());
    }

    /// <summary>The 1-minute load average, to see what else the machine was doing.</summary>
    public static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    /// <summary>
    /// Runs <paramref name="deploy"/> and adds the CPU time the whole machine was busy meanwhile
    /// (/proc/stat: every core, every process) and the CPU time of this process (the links' relays).
    /// The servers' sessions cannot be counted by process: sshd leaves them to be reaped by init.
    /// First it writes out what earlier runs left unwritten (<c>sync</c>, untimed): the servers share
    /// this machine's disk, and the kernel writes a first deploy's 111 MB per host in the background
    /// up to 30 s later, which would otherwise take the cores from whichever run comes next (with 20
    /// hosts, 0.7 s of CPU time in one measured run), a cost a user's deploy never pays for its fleet.
    /// </summary>
    private static FleetRun Counted(Func<FleetRun> deploy)
    {
        ProcessRunner.Check("sync");
        var machineBefore = MachineBusy();
        var linksBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var run = deploy();
        return run with { MachineCpu = MachineBusy() - machineBefore, LinkCpu = Process.GetCurrentProcess().TotalProcessorTime - linksBefore };
    }

    /// <summary>The machine's busy CPU time since boot: the first line of /proc/stat less idle and iowait, in ticks of 1/100 s.</summary>
    private static TimeSpan MachineBusy()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return TimeSpan.FromSeconds((fields.Sum() - fields[3] - fields[4]) / 100.0);
    }

    private string NextVariant(Dataset data) => data.Variant("fleet-one", 1, staticOnly: true, flavour: _flavour++);

    private string[] Specs(int hosts) => Enumerable.Range(0, hosts).Select(i => $"{_servers[i].User}@127.0.0.1:{_links[i].Port}").ToArray();

    /// <summary>Empties the deploy folder of the first <paramref name="hosts"/> servers.</summary>
    private void Reset(int hosts)
    {
        foreach (var server in _servers.Take(hosts))
        {
            var app = Path.Combine(server.Disk!, "app");
            if (Directory.Exists(app))
            {
                Directory.Delete(app, recursive: true);
            }
        }
    }

    /// <summary>A whole deploy through the engine in this process to the first <paramref name="hosts"/> servers with fresh connections, timed from the first connection to the end of pruning.</summary>
    private TimeSpan InProcess(int hosts, string source)
    {
        var clock = Stopwatch.StartNew();
        var targets = Enumerable.Range(0, hosts)
            .Select(i => new DeployTarget(_servers[i].HostSpec, EngineDeploy.Settings(_servers[i].User, _links[i].Port, _knownHosts, _servers[0].ClientKeyFile)))
            .ToArray();
        // As the tasks open a deploy: each host's lock is taken as soon as that host is connected.
        var settings = EngineDeploy.Deploy(Root, source, hosts: targets, timeout: TimeSpan.FromMinutes(5), lockWait: TimeSpan.FromSeconds(10)) with { LockOnConnect = true };
        using var deployment = Deployment.Open(settings, new RecordingLog(), t => EngineDeploy.Connect(t.Ssh!));
        deployment.Run(DateTime.UtcNow, CancellationToken.None);
        return clock.Elapsed;
    }
}
