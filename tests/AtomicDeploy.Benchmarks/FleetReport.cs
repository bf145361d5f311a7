using System.Globalization;
using System.Text;

namespace AtomicDeploy.Benchmarks;

/// <summary>The fleet table and its verdicts, for the console and for the "Fleet" section of <c>docs/benchmarks.md</c>.</summary>
internal static class FleetReport
{
    private const string Heading = "## Fleet";

    // The deploy's own targets and tasks in MSBuild's performance summary, in the order they run.
    private static readonly string[] Steps = ["OpenDeployment", "PrepareRelease", "UploadChanged", "LinkShared", "SwitchCurrent", "PruneReleases"];

    /// <summary>The goals: (scenario, hosts, what is compared, at most this many times one host's).</summary>
    private static readonly (string Scenario, int Hosts, string Measure, double Limit)[] Goals =
    [
        ("One file changed", 4, "wall time", 1.2),
        ("One file changed", 20, "wall time", 2.0),
        ("First deploy", 4, "client CPU time", 1.3),
    ];

    public static string Table(IReadOnlyList<FleetResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| Scenario | Hosts | `dotnet publish` wall (median) | vs 1 host | client CPU (median) | vs 1 host | engine in-process (median) | wall runs (s) | CPU runs (s) |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (var r in results)
        {
            var one = r.Cell(1);
            foreach (var c in r.Cells)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} ({r.Description}) | {c.Hosts} | {S(c.Wall)} | {Ratio(c.Wall, one?.Wall)} | {S(c.Cpu)} | {Ratio(c.Cpu, one?.Cpu)} | {(c.InProcessMedian is { } p ? S(p) : "-")} | {Runs(c.Runs.Select(x => x.Wall))} | {Runs(c.Runs.Select(x => x.Cpu))} |");
            }
        }

        text.AppendLine();
        text.Append(Verdicts(results));
        return text.ToString();
    }

    public static string Verdicts(IReadOnlyList<FleetResult> results)
    {
        var text = new StringBuilder();
        foreach (var (scenario, hosts, measure, limit) in Goals)
        {
            var result = results.FirstOrDefault(r => r.Name == scenario);
            if (result?.Cell(1) is not { } one || result.Cell(hosts) is not { } many)
            {
                continue;
            }

            var ratio = measure == "wall time" ? many.Wall / one.Wall : many.Cpu / one.Cpu;
            text.AppendLine(CultureInfo.InvariantCulture, $"- {(ratio <= limit ? "Met" : "NOT met")}: {scenario}, {measure} with {hosts} hosts at most {limit:0.0}x one host: {ratio:0.00}x");
        }

        return text.ToString();
    }

    /// <summary>Where each fleet deploy's time goes: MSBuild's time per task (medians), OpenDeployment's connect and lock from the tasks' trace, and the rest of the process.</summary>
    public static string Breakdown(IReadOnlyList<FleetResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| Scenario | Hosts | wall | OpenDeployment | of it: connect and lock | {string.Join(" | ", Steps.Skip(1))} | rest (process start, MSBuild, publish) | CPU: client | links | machine busy (all processes) | busy share of the cores |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| --- | ---: | ---: | ---: | ---: | {string.Join(" | ", Steps.Skip(1).Select(_ => "---:"))} | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            foreach (var c in r.Cells)
            {
                var parts = Steps.Select(c.Task).ToList();
                var rest = c.Wall - parts.Aggregate(TimeSpan.Zero, (a, b) => a + b);
                var share = c.MachineCpu / (c.Wall * Environment.ProcessorCount);
                text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {c.Hosts} | {S(c.Wall)} | {S(parts[0])} | {S(c.Task("connect"))} | {string.Join(" | ", parts.Skip(1).Select(S))} | {S(rest)} | {S(c.Cpu)} | {S(c.LinkCpu)} | {S(c.MachineCpu)} | {share:0%} |");
            }
        }

        return text.ToString();
    }

    public static string Section(IReadOnlyList<FleetResult> results, int runs, int firstRuns, string conditions)
    {
        var counts = string.Join(", ", results[0].Cells.Select(c => c.Hosts));
        var most = results[0].Cells.Max(c => c.Hosts);
        return $"""
            {Heading}

            A fleet deploy as users run it: every run is a fresh `dotnet publish --no-build
            -p:AtomicDeploy=true` of the benchmark's app with `AtomicDeployHost` listing {counts} hosts,
            out of {most} real OpenSSH servers on this machine, each behind its own shaped link as above
            and each with its own deploy folder (the same path, a folder of its own mounted there in the
            server's private mount namespace, so this part runs as root). The wall time is the process's,
            start to exit; the client's CPU time is user plus system time of the `dotnet publish` process
            and the children it waited for (GNU time). The publish folder is kept between runs, so a run
            copies only what changed into it. The host counts take turns, their order reversed every
            other run; median of {runs} runs ({firstRuns} for the first deploy). The one-file change edits
            the same static file anew for every deploy, so each sends one changed file to every host;
            before those runs every host gets three untimed releases (as many as a deploy keeps), so
            every timed deploy also prunes one release on every host, as a user's deploys do from their
            fourth on. Before each timed run the disk is written out (`sync`, untimed), so no run pays
            for what an earlier one wrote. The in-process column is the engine alone, run in the benchmark's process (no process start,
            no MSBuild). Run just this part with `./build/bench.sh --only fleet`.

            {conditions}

            {Table(results).TrimEnd()}

            Where the time goes (medians): MSBuild's performance summary and the tasks' trace
            (`ATOMICDEPLOY_TRACE=1`), then CPU time: the client's (the `dotnet publish` process), the
            links' (the benchmark's own process, which relays every link), and the whole machine's
            (`/proc/stat`: every core and process, so the servers, what their sessions run, and any
            other work on the machine), with the share of the cores' time it was busy. The servers and
            links share this machine's cores with the client, unlike real hosts.

            {Breakdown(results).TrimEnd()}
            """.Replace("\n            ", "\n", StringComparison.Ordinal);
    }

    /// <summary>Puts <paramref name="section"/> in place of the fleet section of <paramref name="markdown"/> (or at its end), keeping the rest.</summary>
    public static string Replace(string markdown, string section)
    {
        var start = markdown.IndexOf("\n" + Heading + "\n", StringComparison.Ordinal);
        if (start < 0)
        {
            return markdown.TrimEnd() + "\n\n" + section.TrimEnd() + "\n";
        }

        var end = markdown.IndexOf("\n## ", start + Heading.Length + 1, StringComparison.Ordinal);
        var rest = end < 0 ? string.Empty : "\n" + markdown[(end + 1)..];
        return markdown[..(start + 1)] + section.TrimEnd() + "\n" + rest;
    }

    private static string Ratio(TimeSpan value, TimeSpan? one) => one is { } o && o > TimeSpan.Zero ? (value / o).ToString("0.00x", CultureInfo.InvariantCulture) : "-";

    private static string S(TimeSpan time) => time.TotalSeconds.ToString("0.000 s", CultureInfo.InvariantCulture);

    private static string Runs(IEnumerable<TimeSpan> runs) => string.Join(", ", runs.Select(r => r.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)));
}
