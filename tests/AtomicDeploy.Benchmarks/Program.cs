using System.Globalization;
using AtomicDeploy.Benchmarks;
using AtomicDeploy.Tests.Infrastructure;

// The benchmark: AtomicDeploy as users run it (dotnet publish) against the rsync script, through a
// shaped link to a real sshd. Run it with build/bench.sh (which installs rsync and builds in Release).
if (args.Length > 0 && args[0] == MemoryProbe.ChildCommand)
{
    return MemoryProbe.Child(args[1..]);
}

var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length && !args[p.i + 1].StartsWith("--", StringComparison.Ordinal) ? args[p.i + 1] : "true");
string Option(string name, string fallback) => options.TryGetValue(name, out var value) ? value : fallback;
var repo = Option("repo", Directory.GetCurrentDirectory());
var runs = int.Parse(Option("runs", "5"), CultureInfo.InvariantCulture);
var firstRuns = int.Parse(Option("first-runs", "3"), CultureInfo.InvariantCulture);
var work = Option("work", Path.Combine(repo, "artifacts", "bench"));
var output = Option("out", Path.Combine(repo, "docs", "benchmarks.md"));
var oneWayDelay = TimeSpan.FromMilliseconds(double.Parse(Option("delay-ms", "25"), CultureInfo.InvariantCulture));
var megabits = long.Parse(Option("mbit", "100"), CultureInfo.InvariantCulture);

Directory.CreateDirectory(work);
var data = Dataset.Build(Path.Combine(work, "dataset"));
var datasetText = $"a real self-contained `dotnet publish` of a minimal ASP.NET Core app (linux-x64) plus {Dataset.StaticFiles:N0} small static files made from a fixed seed (text assets and random-byte images, 0.5 to 8 KB): {data.Files.Count:N0} files, {data.Bytes / 1048576.0:0} MB";
var linkText = $"a user-space TCP proxy on 127.0.0.1 in front of sshd: {oneWayDelay.TotalMilliseconds:0} ms added each way ({2 * oneWayDelay.TotalMilliseconds:0} ms round trip) and {megabits} Mbit/s each way (a delay queue plus a token bucket per direction, order kept)";
var machine = $"{Environment.ProcessorCount} cores ({CpuModel()}), {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; server, link and client all on this machine";
Console.WriteLine($"Dataset: {data.Files.Count} files, {data.Bytes / 1048576.0:0} MB. Link: {2 * oneWayDelay.TotalMilliseconds:0} ms RTT, {megabits} Mbit/s.");

using var server = SshServer.Start();
using var link = new ShapedLink(server.Port, oneWayDelay, megabits * 1_000_000);
var knownHosts = Path.Combine(work, "known_hosts");
File.WriteAllText(knownHosts, $"[127.0.0.1]:{link.Port} {server.HostKeyType} {server.HostKeyBase64}\n");

var engine = new EngineContender(server, link.Port, knownHosts) { ShowSteps = options.ContainsKey("steps") };
var rsync = new RsyncContender(server, link.Port, knownHosts);
var only = Option("only", string.Empty);
var largeRuns = int.Parse(Option("large-runs", "3"), CultureInfo.InvariantCulture);
var shape = new LinkShape(2 * oneWayDelay, megabits * 1_000_000);
List<ScenarioResult> results = [];
MemoryProbe.Result? memory = null;
var runFleet = !options.ContainsKey("skip-fleet") && (only.Length == 0 || only.Split(',').Contains("fleet"));
var app = only != "fleet" || runFleet ? BenchApp.Create(repo, work) : null;
if (only != "fleet")
{
    var publish = new PublishContender(server, link.Port, knownHosts, app!);
    results = Scenarios.Run(data, new Contenders(publish, engine, rsync, link), runs, firstRuns, largeRuns, only).ToList();
    if (!options.ContainsKey("skip-memory") && (only.Length == 0 || only.Split(',').Intersect(["large", "memory"]).Any()))
    {
        memory = MemoryProbe.MeasureNoChange(server, data.Large(Scenarios.LargeFiles));
    }
}

var fleetHosts = Option("fleet-hosts", "1,4,20").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).Order().ToArray();
IReadOnlyList<FleetResult> fleet = [];
var fleetConditions = string.Empty;
if (runFleet)
{
    var loadBefore = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";
    var started = DateTime.UtcNow;
    using (var bench = new FleetBench(fleetHosts.Max(), oneWayDelay, megabits * 1_000_000))
    {
        fleet = bench.Run(data, app!, fleetHosts, runs, firstRuns);
    }

    var loadAfter = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";
    fleetConditions = $"Run on {started:yyyy-MM-dd} from {started:HH:mm} to {DateTime.UtcNow:HH:mm} UTC, {machine}. Load average (1, 5, 15 min; /proc/loadavg) before: {loadBefore}; after: {loadAfter}. Other work shared the machine's cores during the run.";
    Console.WriteLine(fleetConditions);
}

Console.WriteLine();
if (results.Count > 0)
{
    Console.WriteLine(Report.Table(results));
    Console.WriteLine(Report.Verdicts(results, memory));
    Console.WriteLine(Report.RoundTrips(results, shape));
    Console.WriteLine(Report.ColdStart(results));
}
else if (memory is not null)
{
    Console.WriteLine(Report.Verdicts(results, memory));
}

if (fleet.Count > 0)
{
    Console.WriteLine(FleetReport.Table(fleet));
    Console.WriteLine(FleetReport.Breakdown(fleet));
}

if (only.Length == 0)
{
    var command = "./build/bench.sh" + (runs != 5 || firstRuns != 3 || largeRuns != 3 ? $" --runs {runs} --first-runs {firstRuns} --large-runs {largeRuns}" : string.Empty);
    var markdown = Report.Markdown(command, machine, datasetText, linkText, runs, firstRuns, largeRuns, results, memory, shape);
    // Without a fleet run (--skip-fleet) the fleet section stays as the last run wrote it.
    var fleetSection = fleet.Count > 0 ? FleetReport.Section(fleet, runs, firstRuns, fleetConditions) : ExistingFleetSection(output);
    File.WriteAllText(output, fleetSection is null ? markdown.TrimEnd() + "\n" : FleetReport.Replace(markdown, fleetSection));
    Console.WriteLine($"Wrote {Path.GetRelativePath(repo, output)}.");
}
else if (only == "fleet" && File.Exists(output))
{
    // Only the fleet section is new: the other tables stay as the last full run wrote them.
    File.WriteAllText(output, FleetReport.Replace(File.ReadAllText(output), FleetReport.Section(fleet, runs, firstRuns, fleetConditions)));
    Console.WriteLine($"Updated the fleet section of {Path.GetRelativePath(repo, output)}.");
}

return 0;

static string? ExistingFleetSection(string file)
{
    var text = File.Exists(file) ? File.ReadAllText(file) : string.Empty;
    var start = text.IndexOf("\n## Fleet\n", StringComparison.Ordinal);
    if (start < 0)
    {
        return null;
    }

    var end = text.IndexOf("\n## ", start + 2, StringComparison.Ordinal);
    return end < 0 ? text[(start + 1)..] : text[(start + 1)..(end + 1)];
}

static string CpuModel() =>
    File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
        : "unknown CPU";
