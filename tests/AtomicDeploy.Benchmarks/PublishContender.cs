using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AtomicDeploy.Tests.Infrastructure;

namespace AtomicDeploy.Benchmarks;

/// <summary>
/// AtomicDeploy as users run it: a fresh <c>dotnet publish --no-build -p:AtomicDeploy=true</c>
/// process of the benchmark's app. Next to each timed deploy (before it, then after it, in turn),
/// <c>dotnet publish --no-build</c> alone publishes the same files into a folder of its own (so both
/// copy the same changes); the deploy's cost is the difference. The summary line's time and MSBuild's task times are kept too.
/// </summary>
internal sealed partial class PublishContender(SshServer server, int port, string knownHosts, BenchApp app) : Contender(server, port, knownHosts)
{
    private readonly string _deployOut = app.PublishFolder("deploy");
    private readonly string _aloneOut = app.PublishFolder("alone");
    private int _runs;

    public override string Name => "AtomicDeploy via dotnet publish";

    /// <summary>The wall time of the last <c>dotnet publish</c> alone.</summary>
    public TimeSpan LastAlone { get; private set; }

    /// <summary>The time the last deploy's summary line reported.</summary>
    public TimeSpan LastSummary { get; private set; }

    /// <summary>MSBuild's time per AtomicDeploy task (and target) in the last deploy, from its performance summary.</summary>
    public IReadOnlyDictionary<string, TimeSpan> LastTasks { get; private set; } = new Dictionary<string, TimeSpan>();

    public override void Reset()
    {
        base.Reset();
        foreach (var folder in new[] { _deployOut, _aloneOut })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        // The record of what earlier publishes wrote there goes with the folders.
        foreach (var record in Directory.EnumerateFiles(Path.GetDirectoryName(app.Project)!, "AtomicDeploy.PublishOutputs.*.txt", SearchOption.AllDirectories))
        {
            File.Delete(record);
        }
    }

    protected override void DeployOnce(string source) => Deploy(source);

    /// <summary>The deploy publish's wall time; <see cref="LastAlone"/> is the publish alone before it.</summary>
    public override TimeSpan Deploy(string source)
    {
        var assets = "-p:BenchAssets=" + Path.Combine(source, "wwwroot", "static");
        // Which of the two goes first alternates, so an order effect (a cache the first one warms) cancels out.
        var aloneFirst = _runs++ % 2 == 0;
        if (aloneFirst)
        {
            LastAlone = PublishAlone(assets);
        }

        var clock = Stopwatch.StartNew();
        var deploy = Check(app.Run([
            "publish", "--no-build", "-c", "Release", "--nologo", "-nodeReuse:false", "-clp:PerformanceSummary", assets, "-p:PublishDir=" + _deployOut,
            "-p:AtomicDeploy=true", "-p:AtomicDeployHost=127.0.0.1", "-p:AtomicDeployPort=" + Port.ToString(CultureInfo.InvariantCulture),
            "-p:AtomicDeployUser=" + Server.User, "-p:AtomicDeployPath=" + Root, "-p:AtomicDeployPrivateKeyFile=" + Server.ClientKeyFile,
            "-p:AtomicDeployKnownHostsFile=" + KnownHosts, "-p:AtomicDeployKeepReleases=3"], trace: true));
        var elapsed = clock.Elapsed;
        if (!aloneFirst)
        {
            LastAlone = PublishAlone(assets);
        }
        var summary = SummaryTime().Match(deploy.Output);
        LastSummary = summary.Success ? TimeSpan.FromSeconds(double.Parse(summary.Groups[1].Value, CultureInfo.InvariantCulture)) : TimeSpan.Zero;
        var tasks = TaskTimes(deploy.Output);
        var trace = Trace().Match(deploy.Output);
        if (trace.Success)
        {
            tasks["process start"] = TimeSpan.FromMilliseconds(double.Parse(trace.Groups[1].Value, CultureInfo.InvariantCulture));
            tasks["settings"] = TimeSpan.FromMilliseconds(double.Parse(trace.Groups[2].Value, CultureInfo.InvariantCulture));
            tasks["connect"] = TimeSpan.FromMilliseconds(double.Parse(trace.Groups[3].Value, CultureInfo.InvariantCulture));
        }

        LastTasks = tasks;
        return elapsed;
    }

    private TimeSpan PublishAlone(string assets)
    {
        var clock = Stopwatch.StartNew();
        Check(app.Run(["publish", "--no-build", "-c", "Release", "--nologo", "-nodeReuse:false", assets, "-p:PublishDir=" + _aloneOut]));
        return clock.Elapsed;
    }

    /// <summary>The lines of MSBuild's performance summary for our own tasks and targets.</summary>
    internal static Dictionary<string, TimeSpan> TaskTimes(string output)
    {
        var times = new Dictionary<string, TimeSpan>();
        foreach (Match line in PerformanceLine().Matches(output))
        {
            var name = line.Groups[2].Value;
            if (name.Contains("AtomicDeploy", StringComparison.Ordinal) || name is "PrepareRelease" or "UploadChanged" or "LinkShared" or "SwitchCurrent" or "PruneReleases" or "OpenDeployment")
            {
                times[name] = TimeSpan.FromMilliseconds(double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }

        return times;
    }

    internal static ProcessResult Check(ProcessResult result) =>
        result.ExitCode == 0 ? result : throw new InvalidOperationException($"dotnet publish failed ({result.ExitCode}):\n{result.All}");

    // The closing line of a deploy, or of one that found nothing changed.
    [GeneratedRegex(@"AtomicDeploy: (?:deployed release \S+ .* in|nothing changed .*\)\.) ([0-9.]+) s\.")]
    private static partial Regex SummaryTime();

    [GeneratedRegex(@"AtomicDeploy trace: process start to OpenDeployment (-?[0-9]+) ms, settings \(git included\) ([0-9]+) ms, connect and lock ([0-9]+) ms")]
    internal static partial Regex Trace();

    // "      123 ms  OpenDeployment      1 calls" in the task and target performance summaries.
    [GeneratedRegex(@"^\s+([0-9]+) ms\s+(\S+)\s+[0-9]+ calls", RegexOptions.Multiline)]
    private static partial Regex PerformanceLine();
}
