using System.Diagnostics;
using System.Globalization;
using AtomicDeploy.Tests.Infrastructure;

namespace AtomicDeploy.Benchmarks;

/// <summary>One fleet deploy as a user runs it: its wall time, the client's CPU time, and MSBuild's and the tasks' times.</summary>
/// <param name="Wall">The <c>dotnet publish</c> process, start to exit.</param>
/// <param name="Cpu">User plus system CPU time of that process and of the children it waited for.</param>
/// <param name="Tasks">MSBuild's time per AtomicDeploy task and target, and the tasks' trace (process start, settings, connect).</param>
internal sealed record FleetRun(TimeSpan Wall, TimeSpan Cpu, IReadOnlyDictionary<string, TimeSpan> Tasks)
{
    /// <summary>CPU time the whole machine was busy during the deploy (every core, every process: client, links, servers and any other work).</summary>
    public TimeSpan MachineCpu { get; init; }

    /// <summary>CPU time of the benchmark's own process during the deploy: the shaped links' relays.</summary>
    public TimeSpan LinkCpu { get; init; }
}

/// <summary>
/// A fresh <c>dotnet publish --no-build -p:AtomicDeploy=true</c> of the benchmark's app to some of
/// the fleet's hosts (<c>AtomicDeployHost</c> listing them), as a user deploys a fleet. The publish
/// folder is the same for every run, so every run copies only what changed into it, as a user's does.
/// </summary>
internal sealed class FleetPublish(BenchApp app, string root, string knownHosts, string keyFile)
{
    /// <summary>The releases each host keeps (<c>AtomicDeployKeepReleases</c>, the default).</summary>
    public const int KeepReleases = 3;

    private readonly string _out = app.PublishFolder("fleet");

    /// <summary>Publishes <paramref name="source"/>'s assets without deploying (untimed), so the first timed run copies no more than the others.</summary>
    public void Warm(string source) =>
        PublishContender.Check(app.Run(["publish", "--no-build", "-c", "Release", "--nologo", "-nodeReuse:false", Assets(source), "-p:PublishDir=" + _out]));

    /// <summary>Deploys <paramref name="source"/>'s assets to <paramref name="hosts"/> (<c>user@host:port</c> each) in a fresh process.</summary>
    public FleetRun Deploy(IReadOnlyList<string> hosts, string source)
    {
        var cpuFile = Path.Combine(app.Temp, "fleet-cpu.txt");
        File.Delete(cpuFile);
        var clock = Stopwatch.StartNew();
        var result = PublishContender.Check(app.Run([
            "publish", "--no-build", "-c", "Release", "--nologo", "-nodeReuse:false", "-clp:PerformanceSummary", Assets(source), "-p:PublishDir=" + _out,
            "-p:AtomicDeploy=true", $"-p:AtomicDeployHost=\"{string.Join(';', hosts)}\"", "-p:AtomicDeployPath=" + root,
            "-p:AtomicDeployPrivateKeyFile=" + keyFile, "-p:AtomicDeployKnownHostsFile=" + knownHosts, "-p:AtomicDeployKeepReleases=" + KeepReleases], trace: true, cpuTimes: cpuFile));
        var wall = clock.Elapsed;
        var tasks = PublishContender.TaskTimes(result.Output);
        var trace = PublishContender.Trace().Match(result.Output);
        if (trace.Success)
        {
            tasks["settings"] = TimeSpan.FromMilliseconds(double.Parse(trace.Groups[2].Value, CultureInfo.InvariantCulture));
            tasks["connect"] = TimeSpan.FromMilliseconds(double.Parse(trace.Groups[3].Value, CultureInfo.InvariantCulture));
        }

        return new FleetRun(wall, Cpu(cpuFile), tasks);
    }

    private static string Assets(string source) => "-p:BenchAssets=" + Path.Combine(source, "wwwroot", "static");

    /// <summary>GNU time's "%U %S" line (the last line: a non-zero exit adds one before it).</summary>
    private static TimeSpan Cpu(string file)
    {
        var fields = File.ReadAllLines(file).Last(l => l.Trim().Length > 0).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return TimeSpan.FromSeconds(fields.Sum(f => double.Parse(f, CultureInfo.InvariantCulture)));
    }
}
