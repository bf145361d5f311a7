using System.Globalization;
using System.Text;

namespace AtomicDeploy.Benchmarks;

/// <summary>The link the benchmark shapes, for the physical floor of a deploy: its round trips plus its bytes at the link's rate.</summary>
internal sealed record LinkShape(TimeSpan RoundTrip, long BitsPerSecond)
{
    public TimeSpan Floor(double turns, double bytes) => (RoundTrip * turns) + TimeSpan.FromSeconds(bytes * 8 / BitsPerSecond);
}

/// <summary>The tables and the verdicts, for the console and for <c>docs/benchmarks.md</c>.</summary>
internal static class Report
{
    // The deploy's own targets and tasks in MSBuild's performance summary, in the order they run.
    private static readonly string[] ColdStartParts = ["OpenDeployment", "PrepareRelease", "UploadChanged", "LinkShared", "SwitchCurrent", "PruneReleases"];

    public static string Table(IReadOnlyList<ScenarioResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| Scenario | Added to `dotnet publish` (median) | rsync script (median) | Ratio | Summary line (median) | Engine in-process (median) | Added runs (s) | rsync runs (s) |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} ({r.Description}) | {S(r.AddedMedian)} | {S(r.RsyncMedian)} | {r.Ratio:0.00}x | {S(r.SummaryMedian)} | {S(r.EngineMedian)} | {Runs(r.Publish.Select(p => p.Added).ToList())} | {Runs(r.Rsync)} |");
        }

        return text.ToString();
    }

    /// <summary>Round trips and bytes per scenario, next to the floor they set on this link.</summary>
    public static string RoundTrips(IReadOnlyList<ScenarioResult> results, LinkShape link)
    {
        var text = new StringBuilder();
        text.AppendLine("| Scenario | AtomicDeploy round trips | bytes sent | floor (round trips + bytes / bandwidth) | summary line | rsync script round trips | bytes sent | floor |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.Turns:0} | {Kb(r.BytesUp)} | {S(link.Floor(r.Turns, r.BytesUp))} | {S(r.SummaryMedian)} | {r.RsyncTurns:0} | {Kb(r.RsyncBytesUp)} | {S(link.Floor(r.RsyncTurns, r.RsyncBytesUp))} |");
        }

        return text.ToString();
    }

    /// <summary>Where a cold <c>dotnet publish</c> process spends the deploy's time: MSBuild's time per task (medians), OpenDeployment split by the tasks' trace, and the rest of the added time.</summary>
    public static string ColdStart(IReadOnlyList<ScenarioResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| Scenario | Added (median) | OpenDeployment: task load and JIT | settings (git included) | connect and lock (what was left of the connection, made ahead, and the lock) | {string.Join(" | ", ColdStartParts.Skip(1))} | rest (MSBuild outside the tasks) |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| --- | ---: | ---: | ---: | ---: | {string.Join(" | ", ColdStartParts.Skip(1).Select(_ => "---:"))} | ---: |");
        foreach (var r in results)
        {
            var parts = ColdStartParts.Select(r.Task).ToList();
            var (settings, connect) = (r.Task("settings"), r.Task("connect"));
            var load = parts[0] - settings - connect;
            var rest = r.AddedMedian - parts.Aggregate(TimeSpan.Zero, (a, b) => a + b);
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {S(r.AddedMedian)} | {S(load)} | {S(settings)} | {S(connect)} | {string.Join(" | ", parts.Skip(1).Select(S))} | {S(rest)} |");
        }

        return text.ToString();
    }

    /// <summary>The issue's goals, each with the measured value and whether it was met.</summary>
    public static string Verdicts(IReadOnlyList<ScenarioResult> results, MemoryProbe.Result? memory)
    {
        var text = new StringBuilder();
        ScenarioResult? Find(string key) => results.FirstOrDefault(r => r.Key == key);
        var (first, none, one, small, renamed, previous, large) = (Find("first"), Find("none"), Find("one"), Find("small"), Find("renamed"), Find("previous"), Find("large"));
        if (first is not null)
        {
            Line(text, first.Ratio <= 0.85, $"First deploy at most 0.85x the rsync script: {first.Ratio:0.00}x");
        }

        if (one is not null)
        {
            Line(text, one.Ratio <= 0.6, $"One file changed at most 0.6x the rsync script: {one.Ratio:0.00}x");
        }

        if (none is not null)
        {
            Line(text, none.Ratio <= 0.5, $"No change at most 0.5x the rsync script: {none.Ratio:0.00}x");
        }

        if (one is not null && small is not null)
        {
            var extra = small.AddedMedian - one.AddedMedian;
            Line(text, extra < TimeSpan.FromSeconds(0.3), $"200 changed files cost under 0.3 s more than one: {extra.TotalSeconds:+0.000;-0.000} s");
        }

        if (large is not null)
        {
            Line(text, large.Ratio <= 0.5, $"No change at {Scenarios.LargeFiles:N0} files at most 0.5x the rsync script: {large.Ratio:0.00}x");
            if (one is not null)
            {
                var extra = large.AddedMedian - one.AddedMedian;
                Line(text, extra < TimeSpan.FromSeconds(3), $"No change at {Scenarios.LargeFiles:N0} files under 3 s over one changed file of the small tree: {extra.TotalSeconds:+0.000;-0.000} s");
            }
        }

        if (memory is not null)
        {
            Line(text, memory.PeakBytes < 150L * 1024 * 1024, $"Peak working set of the engine for a no-change deploy of {memory.FolderFiles:N0} files under 150 MB: {memory.PeakBytes / 1048576.0:0} MB (a process of its own, unshaped, {memory.Elapsed.TotalSeconds:0.0} s)");
        }

        if (renamed is not null)
        {
            Line(text, renamed.BytesUp < 50 * 1024, $"500 renamed assets send under 50 KB: {Kb(renamed.BytesUp)} over the link (rsync script: {Kb(renamed.RsyncBytesUp)})");
        }

        if (previous is not null)
        {
            Line(text, previous.BytesUp < 50 * 1024, $"Redeploying the previous release's content sends only the manifest (under 50 KB over the link): {Kb(previous.BytesUp)} (rsync script: {Kb(previous.RsyncBytesUp)})");
        }

        return text.ToString();
    }

    public static string Markdown(string command, string machine, string dataset, string link, int runs, int firstRuns, int largeRuns, IReadOnlyList<ScenarioResult> results, MemoryProbe.Result? memory, LinkShape shape) => $"""
        # Benchmarks

        How long a deploy takes as users run it, `dotnet publish -p:AtomicDeploy=true`, next to the
        script users would otherwise write (`rsync -az --delete --link-dest=../<previous>` into a new
        release folder, then a second `ssh` for `ln -s` and `mv -T`), both through the same simulated
        slow link to a real OpenSSH server. This file is written by the benchmark; run it again with:

            {command}

        ## Setup

        - Machine: {machine}
        - Link: {link}
        - Dataset: {dataset}
        - Compression: the server has `zstd`, so AtomicDeploy's upload is zstd frames (gzip where a
          server lacks it); the rsync script's `-z` negotiates zstd too, which both ends have here
        - What is timed: every AtomicDeploy run is a fresh `dotnet publish --no-build
          -p:AtomicDeploy=true` process of the dataset's app (the package packed from this
          repository, the dataset's static files as the project's own); next to it, `dotnet
          publish --no-build` alone publishes the same files into a folder of its own. "Added" is the
          difference of their wall times (which runs first alternates): what deploying adds to the user's publish (task loading,
          connection, every step). "Summary line" is the time the deploy's closing line reports
          (from OpenDeployment after the publish: the connection made ahead, while the publish ran, is not in it);
          "Engine in-process" is the engine's five steps run warm inside the benchmark's own process,
          with a fresh connection. The rsync script is given every advantage (it knows the previous
          release without asking, `releases/` exists).
        - Median of {runs} runs per cell ({firstRuns} for the first deploy, {largeRuns} at {Scenarios.LargeFiles:N0} files); the runs of the
          contenders alternate. Change scenarios make new content for every timed deploy, so each
          sends exactly that change.

        ## Results

        {Table(results).TrimEnd()}

        {Verdicts(results, memory).TrimEnd()}

        ## Round trips

        Round trips are counted on the link: each time a client speaks again after what the server
        sent since it last spoke has reached it (the SSH handshake's included; the TCP handshake is
        not shaped). Bytes are the client's, as they crossed the link (compressed, encrypted). The
        floor is what the link alone costs: round trips x {shape.RoundTrip.TotalMilliseconds:0} ms plus bytes at {shape.BitsPerSecond / 1_000_000} Mbit/s.

        {RoundTrips(results, shape).TrimEnd()}

        ## Cold start

        Where a fresh `dotnet publish` process spends the time the deploy adds: MSBuild's own time
        per task (its performance summary, `-clp:PerformanceSummary`; medians), OpenDeployment split
        by the line the tasks print with `ATOMICDEPLOY_TRACE=1` (the settings, git metadata included,
        and the connection with the deploy lock, taken as soon as the host is connected; the rest of
        it is loading the task assembly and its dependencies, and JIT). The connection is made
        ahead, while the publish runs (`AtomicDeployConnectAhead`): "connect and lock" is what the
        deploy still waited for of it plus the lock's round trip; OpenDeployment's time is that of
        both its runs, ahead and for the deploy. The publish folder
        is scanned in PrepareRelease.

        {ColdStart(results).TrimEnd()}

        The machine runs the server, the link and the client at once, so CPU time spent on one side
        is taken from the others; on a machine shared with other work the numbers are noisy.
        """.Replace("\n        ", "\n", StringComparison.Ordinal);

    private static void Line(StringBuilder text, bool met, string what) =>
        text.AppendLine(CultureInfo.InvariantCulture, $"- {(met ? "Met" : "NOT met")}: {what}");

    private static string S(TimeSpan time) => time.TotalSeconds.ToString("0.000 s", CultureInfo.InvariantCulture);

    private static string Kb(double bytes) => (bytes / 1024).ToString("#,0 KB", CultureInfo.InvariantCulture);

    private static string Runs(IReadOnlyList<TimeSpan> runs) => string.Join(", ", runs.Select(r => r.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)));
}
