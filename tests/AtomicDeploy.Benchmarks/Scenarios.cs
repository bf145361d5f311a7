namespace AtomicDeploy.Benchmarks;

/// <summary>One timed deploy as users run it: the publish with the deploy, the publish alone before it, the summary line's time, the link's traffic, MSBuild's task times.</summary>
internal sealed record PublishRun(TimeSpan Deploy, TimeSpan Alone, TimeSpan Summary, LinkTraffic Traffic, IReadOnlyDictionary<string, TimeSpan> Tasks)
{
    /// <summary>What the deploy adds to the user's <c>dotnet publish</c>.</summary>
    public TimeSpan Added => Deploy - Alone;
}

/// <summary>One row of the table: each contender's timed runs.</summary>
internal sealed record ScenarioResult(string Key, string Name, string Description, IReadOnlyList<PublishRun> Publish, IReadOnlyList<TimeSpan> Engine, IReadOnlyList<TimeSpan> Rsync, IReadOnlyList<LinkTraffic> RsyncTraffic)
{
    public static TimeSpan Median(IReadOnlyList<TimeSpan> runs)
    {
        var sorted = runs.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public TimeSpan AddedMedian => Median(Publish.Select(r => r.Added).ToList());

    public TimeSpan SummaryMedian => Median(Publish.Select(r => r.Summary).ToList());

    public TimeSpan EngineMedian => Median(Engine);

    public TimeSpan RsyncMedian => Median(Rsync);

    /// <summary>The deploy's added wall time over the rsync script's.</summary>
    public double Ratio => AddedMedian / RsyncMedian;

    public double Turns => Median(Publish.Select(r => (double)r.Traffic.Turns));

    public double BytesUp => Median(Publish.Select(r => (double)r.Traffic.BytesUp));

    public double RsyncTurns => Median(RsyncTraffic.Select(t => (double)t.Turns));

    public double RsyncBytesUp => Median(RsyncTraffic.Select(t => (double)t.BytesUp));

    /// <summary>The median of MSBuild's time for one task or target across the runs (zero where it did not run).</summary>
    public TimeSpan Task(string name) => Median(Publish.Select(r => r.Tasks.TryGetValue(name, out var t) ? t : TimeSpan.Zero).ToList());
}

/// <summary>The contenders in one scenario: the deploy through <c>dotnet publish</c>, the engine in this process, the rsync script.</summary>
internal sealed record Contenders(PublishContender Publish, Contender Engine, Contender Rsync, ShapedLink Link);

/// <summary>
/// The scenarios. A change scenario makes fresh content for every timed deploy (so no deploy can
/// reuse what an earlier one sent); the redeploy of the previous release alternates two variants.
/// </summary>
internal static class Scenarios
{
    public const int LargeFiles = 50_000;

    /// <summary>
    /// Runs the scenarios; <paramref name="only"/> (keys first, none, one, small, renamed, previous,
    /// large, comma-separated) picks some, for a quick look. The 50,000-file scenario takes
    /// <paramref name="largeRuns"/> runs.
    /// </summary>
    public static IEnumerable<ScenarioResult> Run(Dataset data, Contenders contenders, int runs, int firstRuns, int largeRuns, string only)
    {
        bool Wanted(string key) => only.Length == 0 || only.Split(',').Contains(key);
        if (Wanted("first"))
        {
            yield return Measure("first", "First deploy", "empty target, whole dataset", firstRuns, contenders, _ => data.Base, (contender, _) => contender.Reset());
        }

        if (Wanted("none"))
        {
            yield return Measure("none", "No change", "the same folder again", runs, contenders, _ => data.Base, Setup(data.Base));
        }

        if (Wanted("one"))
        {
            yield return Measure("one", "One file changed", "one static file edited, new content each deploy", runs, contenders, run => data.Variant("one", 1, staticOnly: true, flavour: run + 1), Setup(data.Variant("one", 1, staticOnly: true, flavour: 0)));
        }

        if (Wanted("small"))
        {
            yield return Measure("small", "200 files changed", "200 static files edited, new content each deploy", runs, contenders, run => data.Variant("small", 200, staticOnly: true, flavour: run + 1), Setup(data.Variant("small", 200, staticOnly: true, flavour: 0)));
        }

        if (Wanted("renamed"))
        {
            yield return Measure("renamed", "500 renamed assets", "500 static files under new names, content unchanged", runs, contenders, run => data.Renamed("renamed", 500, flavour: run + 1), Setup(data.Base));
        }

        if (Wanted("previous"))
        {
            var a = data.Variant("previous-a", 200, staticOnly: true, flavour: 1);
            var b = data.Variant("previous-b", 200, staticOnly: true, flavour: 2);
            yield return Measure("previous", "Redeploy of the previous release", "two releases 200 files apart, deployed in turn", runs, contenders, run => run % 2 == 0 ? a : b, (contender, _) =>
            {
                contender.Reset();
                contender.Deploy(a);
                contender.Deploy(b);
            });
        }

        if (Wanted("large"))
        {
            var large = data.Large(LargeFiles);
            yield return Measure("large", $"No change, {LargeFiles:N0} files", $"an app with a large wwwroot ({LargeFiles:N0} files), the same folder again", largeRuns, contenders, _ => large, Setup(large));
        }
    }

    private static Action<Contender, int> Setup(string first) => (contender, _) =>
    {
        contender.Reset();
        contender.Deploy(first);
    };

    private static ScenarioResult Measure(string key, string name, string description, int runs, Contenders contenders, Func<int, string> source, Action<Contender, int> setup)
    {
        // Runs alternate between the contenders so a busy moment of the machine hits them alike.
        var publish = new List<PublishRun>();
        var engine = new List<TimeSpan>();
        var rsync = new List<TimeSpan>();
        var rsyncTraffic = new List<LinkTraffic>();
        foreach (var contender in new[] { contenders.Publish, contenders.Engine, contenders.Rsync })
        {
            setup(contender, 0);
        }

        for (var run = 0; run < runs; run++)
        {
            var folder = source(run);
            if (key == "first" && run > 0)
            {
                foreach (var contender in new[] { contenders.Publish, contenders.Engine, contenders.Rsync })
                {
                    setup(contender, run);
                }
            }

            contenders.Link.TakeTraffic();
            var deploy = contenders.Publish.Deploy(folder);
            publish.Add(new PublishRun(deploy, contenders.Publish.LastAlone, contenders.Publish.LastSummary, contenders.Link.TakeTraffic(), contenders.Publish.LastTasks));
            engine.Add(contenders.Engine.Deploy(folder));
            contenders.Link.TakeTraffic();
            rsync.Add(contenders.Rsync.Deploy(folder));
            rsyncTraffic.Add(contenders.Link.TakeTraffic());
            var p = publish[^1];
            Console.WriteLine($"  {name,-34} run {run + 1}/{runs}: publish +{p.Added.TotalSeconds:0.000} s (summary {p.Summary.TotalSeconds:0.00} s, {p.Traffic.Turns} turns), engine {engine[^1].TotalSeconds:0.000} s, rsync script {rsync[^1].TotalSeconds:0.000} s ({rsyncTraffic[^1].Turns} turns)");
        }

        return new ScenarioResult(key, name, description, publish, engine, rsync, rsyncTraffic);
    }
}
