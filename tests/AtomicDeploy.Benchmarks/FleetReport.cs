using System.Globalization;
using System.Text;

namespace AtomicDeploy.Benchmarks;

/// <summary>The fleet table and its verdict, for the console and for the "Fleet" section of <c>docs/benchmarks.md</c>.</summary>
internal static class FleetReport
{
    private const string Heading = "## Fleet";

    public static string Table(IReadOnlyList<FleetResult> results)
    {
        var text = new StringBuilder();
        var hosts = results.Count > 0 ? results[0].Hosts : 0;
        text.AppendLine(CultureInfo.InvariantCulture, $"| Scenario | 1 host (median) | {hosts} hosts (median) | Ratio | 1 host runs (s) | {hosts} hosts runs (s) |");
        text.AppendLine("| --- | ---: | ---: | ---: | --- | --- |");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} ({r.Description}) | {S(r.OneMedian)} | {S(r.ManyMedian)} | {r.Ratio:0.00}x | {Runs(r.One)} | {Runs(r.Many)} |");
        }

        text.AppendLine();
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {(r.Ratio <= 1.5 ? "Met" : "NOT met")}: {r.Name}, {r.Hosts} hosts at most 1.5x one host: {r.Ratio:0.00}x");
        }

        return text.ToString();
    }

    public static string Section(IReadOnlyList<FleetResult> results, int runs, int firstRuns) => $"""
        {Heading}

        The same deploy through the fleet engine (`AtomicDeployHost` with several hosts), to one host
        and to {results[0].Hosts}: {results[0].Hosts} real OpenSSH servers on this machine, each behind its own shaped
        link as above and each with its own deploy folder (the same path, a folder of its own mounted
        there in the server's private mount namespace, so this part runs as root). Timed from the first connection to the end
        of pruning; median of {runs} runs ({firstRuns} for the first deploy), the one-host and the
        {results[0].Hosts}-host runs alternating. Run just this part with `./build/bench.sh --only fleet`.

        {Table(results).TrimEnd()}
        """.Replace("\n        ", "\n", StringComparison.Ordinal);

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

    private static string S(TimeSpan time) => time.TotalSeconds.ToString("0.000 s", CultureInfo.InvariantCulture);

    private static string Runs(IReadOnlyList<TimeSpan> runs) => string.Join(", ", runs.Select(r => r.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)));
}
