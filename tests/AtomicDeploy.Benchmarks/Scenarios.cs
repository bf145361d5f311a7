namespace AtomicDeploy.Benchmarks;

/// <summary>One row of the table: the times of each contender's timed runs.</summary>
internal sealed record ScenarioResult(string Name, string Description, IReadOnlyList<TimeSpan> Engine, IReadOnlyList<TimeSpan> Rsync)
{
    public static TimeSpan Median(IReadOnlyList<TimeSpan> runs)
    {
        var sorted = runs.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public TimeSpan EngineMedian => Median(Engine);

    public TimeSpan RsyncMedian => Median(Rsync);

    public double Ratio => EngineMedian / RsyncMedian;
}

/// <summary>
/// The five scenarios. A change scenario deploys two variants of the dataset in turn: each differs
/// from the other in the same N files, so every timed deploy after the first sends N changed files.
/// </summary>
internal static class Scenarios
{
    /// <summary>Runs the scenarios; <paramref name="only"/> (keys first, none, one, small, tenth, comma-separated) picks some, for a quick look.</summary>
    public static IEnumerable<ScenarioResult> Run(Dataset data, Contender engine, Contender rsync, int runs, int firstRuns, string only)
    {
        bool Wanted(string key) => only.Length == 0 || only.Split(',').Contains(key);
        if (Wanted("first"))
        {
            yield return Measure("First deploy", "empty target, whole dataset", firstRuns, (contender, _) =>
            {
                contender.Reset();
                return contender.Deploy(data.Base);
            }, engine, rsync);
        }

        if (Wanted("none"))
        {
            yield return Changes("No change", "the same folder again", data.Base, data.Base, runs, engine, rsync);
        }

        if (Wanted("one"))
        {
            var oneA = data.Variant("one-a", 1, staticOnly: true, flavour: 1);
            var oneB = data.Variant("one-b", 1, staticOnly: true, flavour: 2);
            yield return Changes("One file changed", "one static file edited", oneA, oneB, runs, engine, rsync);
        }

        if (Wanted("small"))
        {
            var smallA = data.Variant("small-a", 200, staticOnly: true, flavour: 1);
            var smallB = data.Variant("small-b", 200, staticOnly: true, flavour: 2);
            yield return Changes("200 small files changed", "200 static files edited", smallA, smallB, runs, engine, rsync);
        }

        if (Wanted("tenth"))
        {
            var tenth = data.Files.Count / 10;
            var tenthA = data.Variant("tenth-a", tenth, staticOnly: false, flavour: 1);
            var tenthB = data.Variant("tenth-b", tenth, staticOnly: false, flavour: 2);
            yield return Changes("10% of files changed", $"{tenth} files of any kind edited (assemblies too)", tenthA, tenthB, runs, engine, rsync);
        }
    }

    private static ScenarioResult Changes(string name, string description, string a, string b, int runs, Contender engine, Contender rsync) =>
        Measure(name, description, runs, (contender, run) =>
        {
            if (run == 0)
            {
                contender.Reset();
                contender.Deploy(a);
            }

            return contender.Deploy(run % 2 == 0 ? b : a);
        }, engine, rsync);

    private static ScenarioResult Measure(string name, string description, int runs, Func<Contender, int, TimeSpan> once, Contender engine, Contender rsync)
    {
        // Runs alternate between the contenders so a busy moment of the machine hits both alike.
        var engineTimes = new List<TimeSpan>();
        var rsyncTimes = new List<TimeSpan>();
        for (var run = 0; run < runs; run++)
        {
            engineTimes.Add(once(engine, run));
            rsyncTimes.Add(once(rsync, run));
            Console.WriteLine($"  {name,-24} run {run + 1}/{runs}: AtomicDeploy {engineTimes[^1].TotalSeconds:0.000} s, rsync script {rsyncTimes[^1].TotalSeconds:0.000} s");
        }

        return new ScenarioResult(name, description, engineTimes, rsyncTimes);
    }
}
