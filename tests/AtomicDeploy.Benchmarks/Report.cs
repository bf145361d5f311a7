using System.Globalization;
using System.Text;

namespace AtomicDeploy.Benchmarks;

/// <summary>The table and the verdicts, for the console and for <c>docs/benchmarks.md</c>.</summary>
internal static class Report
{
    public static string Table(IReadOnlyList<ScenarioResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| Scenario | AtomicDeploy (median) | rsync script (median) | Ratio | AtomicDeploy runs (s) | rsync runs (s) |");
        text.AppendLine("| --- | ---: | ---: | ---: | --- | --- |");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} ({r.Description}) | {S(r.EngineMedian)} | {S(r.RsyncMedian)} | {r.Ratio:0.00}x | {Runs(r.Engine)} | {Runs(r.Rsync)} |");
        }

        return text.ToString();
    }

    /// <summary>The issue's targets, each with the measured value and whether it was met.</summary>
    public static string Verdicts(IReadOnlyList<ScenarioResult> results, MemoryProbe.Result? memory)
    {
        var text = new StringBuilder();
        var first = results.FirstOrDefault(r => r.Name == "First deploy");
        var one = results.FirstOrDefault(r => r.Name == "One file changed");
        var many = results.FirstOrDefault(r => r.Name == "200 small files changed");
        if (first is not null)
        {
            Line(text, first.Ratio <= 1.0, $"First deploy at most 1.0x the rsync script: {first.Ratio:0.00}x");
        }

        if (one is not null)
        {
            Line(text, one.Ratio <= 0.8, $"One file changed at most 0.8x the rsync script: {one.Ratio:0.00}x");
        }

        if (one is not null && many is not null)
        {
            var extra = many.EngineMedian - one.EngineMedian;
            Line(text, extra < TimeSpan.FromSeconds(0.5), $"200 changed files cost under 0.5 s more than one: {extra.TotalSeconds:+0.000;-0.000} s");
        }

        if (memory is not null)
        {
            Line(text, memory.PeakBytes < 200L * 1024 * 1024, $"Peak working set deploying {memory.FolderBytes / 1048576.0:0} MB ({memory.FolderFiles} files) under 200 MB: {memory.PeakBytes / 1048576.0:0} MB (deploy took {memory.Elapsed.TotalSeconds:0.0} s, unshaped)");
        }

        return text.ToString();
    }

    public static string Markdown(string command, string machine, string dataset, string link, int runs, int firstRuns, IReadOnlyList<ScenarioResult> results, MemoryProbe.Result? memory) => $"""
        # Benchmarks

        How long the deploy step takes with AtomicDeploy, next to the script users would otherwise
        write (`rsync -az --delete --link-dest=../<previous>` into a new release folder, then a second
        `ssh` for `ln -s` and `mv -T`), both through the same simulated slow link to a real OpenSSH
        server. This file is written by the benchmark; run it again with:

            {command}

        ## Setup

        - Machine: {machine}
        - Link: {link}
        - Dataset: {dataset}
        - What is timed: the deploy step alone, with a fresh SSH connection each time. AtomicDeploy:
          the engine's five steps (PrepareRelease, UploadChanged, LinkShared, SwitchCurrent,
          PruneReleases), as the MSBuild tasks run them. The rsync script: rsync, then the switch; it
          is given every advantage (it knows the previous release without asking, `releases/` exists).
        - Median of {runs} runs per cell ({firstRuns} for the first deploy); the runs of both alternate.
          Change scenarios deploy two variants in turn that differ in the same files, so every timed
          deploy sends exactly that change.

        ## Results

        {Table(results).TrimEnd()}

        {Verdicts(results, memory).TrimEnd()}

        The machine runs the server, the link and the client at once, so CPU time spent on one side
        is taken from the others; on a machine shared with other work the numbers are noisy. The
        engine runs inside the benchmark's process, so its very first run also pays .NET's JIT
        warm-up (as a build's first deploy does); the median leaves such an outlier out.
        """.Replace("\n        ", "\n", StringComparison.Ordinal);

    private static void Line(StringBuilder text, bool met, string what) =>
        text.AppendLine(CultureInfo.InvariantCulture, $"- {(met ? "Met" : "NOT met")}: {what}");

    private static string S(TimeSpan time) => time.TotalSeconds.ToString("0.000 s", CultureInfo.InvariantCulture);

    private static string Runs(IReadOnlyList<TimeSpan> runs) => string.Join(", ", runs.Select(r => r.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)));
}
