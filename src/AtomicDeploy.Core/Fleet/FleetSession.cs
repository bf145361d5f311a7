using System.Diagnostics;
using AtomicDeploy.Core.History;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Fleet;

/// <summary>
/// One deploy to many hosts: a <see cref="DeploySession"/> per host, each step run on every host
/// (at most <c>parallelism</c> at a time) and finished everywhere before the next begins. The
/// release name is chosen once, later than every release on every host. A failure on any host
/// before the switch fails the step; <see cref="Abort"/> then removes the half-made release on
/// every host, so no host switches.
/// </summary>
public sealed class FleetSession : IDisposable
{
    private const string NoneSwitched = "No host was switched; the half-made release is removed on every host.";
    private readonly FleetLog _sink;
    private readonly int _parallelism;
    private readonly Stopwatch _clock;
    private bool _summarized;

    private FleetSession(IReadOnlyList<FleetHost> hosts, FleetLog sink, int parallelism, Stopwatch clock)
    {
        Hosts = hosts;
        _sink = sink;
        Log = new HostLog(sink, null);
        _parallelism = parallelism;
        _clock = clock;
    }

    /// <summary>The hosts, in the order given.</summary>
    public IReadOnlyList<FleetHost> Hosts { get; }

    /// <summary>The build log (lines about the whole fleet).</summary>
    public IDeployLog Log { get; }

    /// <summary>The release name, the same on every host, once prepared.</summary>
    public string? Release { get; private set; }

    /// <summary>
    /// Connects to every host (verifying its host key and logging in), at most <paramref name="parallelism"/>
    /// at a time. If any host cannot be reached, every connection is closed and nothing was changed anywhere.
    /// </summary>
    public static FleetSession Open(IReadOnlyList<(string Name, Func<IRemoteShell> Connect)> hosts, string root, DeployContext context, IDeployLog log, RemoteTimeouts timeouts, int parallelism)
    {
        var clock = Stopwatch.StartNew();
        var sink = new FleetLog(log);
        var opened = new FleetHost?[hosts.Count];
        var failures = FleetParallel.Each(Enumerable.Range(0, hosts.Count).ToArray(), parallelism, i =>
        {
            var hostLog = new HostLog(sink, hosts[i].Name);
            var hostClock = Stopwatch.StartNew();
            opened[i] = new FleetHost(hosts[i].Name, new DeploySession(hosts[i].Connect(), root, context, hostLog, timeouts.Command, hostClock) { LockWait = timeouts.LockWait }, hostLog);
        });
        if (failures.Count > 0)
        {
            foreach (var host in opened)
            {
                host?.Session.Dispose();
            }

            throw FleetParallel.Combine(failures.Select(f => (hosts[f.Host].Name, f.Error)).ToArray(), "Nothing was changed on any host.");
        }

        log.Summary($"AtomicDeploy: connected to {hosts.Count} hosts ({string.Join(", ", hosts.Select(h => h.Name))}); working on {Math.Min(parallelism, hosts.Count)} at a time.");
        return new FleetSession(opened!, sink, parallelism, clock);
    }

    /// <summary>Sends the fleet's lines, from now on, to <paramref name="log"/> (the log of the task running the next step).</summary>
    public void LogTo(IDeployLog log) => _sink.Target = log;

    /// <summary>Runs <paramref name="step"/> on every host; if it failed on any, throws one error naming each failed host.</summary>
    public void Each(Action<FleetHost> step, string aftermath = NoneSwitched) => Each(step, _parallelism, aftermath);

    /// <summary>Step 1 on every host: takes every lock and reads every host first, then creates the release under one name.</summary>
    public string Prepare(CopyMode copyMode, DateTime utcNow, CancellationToken cancellationToken)
    {
        Each(h => h.Session.Lock(cancellationToken));
        var release = ReleaseName.Next(utcNow, Hosts.SelectMany(h => h.Session.Lock(cancellationToken)));
        Each(h => h.Session.Prepare(copyMode, release, cancellationToken));
        Release = release;
        Log.Summary($"AtomicDeploy: release {release} prepared on all {Hosts.Count} hosts.");
        return release;
    }

    /// <summary>
    /// Step 2: hashes the publish folder once, then diffs per host; hosts with the same changes share
    /// one compressed stream (files read and compressed once), the others get their own.
    /// </summary>
    public void Upload(string sourceDir, Func<string, FileInfo, bool>? include, CancellationToken cancellationToken)
    {
        var next = PublishFolderScanner.Scan(sourceDir, include, Log, cancellationToken);
        Fail(FleetUpload.Run(Hosts, _parallelism, sourceDir, next, Log, cancellationToken), NoneSwitched);
    }

    /// <summary>Step 3 on every host.</summary>
    public void LinkShared(IReadOnlyList<string> sharedPaths, CancellationToken cancellationToken) =>
        Each(h => h.Session.LinkShared(sharedPaths, cancellationToken));

    /// <summary>Step 5 on every host, then the summary line per host.</summary>
    public void Prune(int keep, CancellationToken cancellationToken)
    {
        Each(h =>
        {
            h.Session.Prune(keep, cancellationToken);
            h.End("deployed");
        }, $"Release {Release} is live on every host; only the pruning or the lock release failed where named.");
        Log.Summary($"AtomicDeploy: deployed release {Release} to {Hosts.Count} hosts in {_clock.Elapsed.TotalSeconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)} s.");
        WriteSummary();
    }

    /// <summary>
    /// Cleans up every host after a failure: before the switch each host's half-made release is removed
    /// and recorded as failed (with its own failure, or AD0702); after it, only the locks are released.
    /// Never throws.
    /// </summary>
    public void Abort(DeployException reason)
    {
        FleetParallel.Each(Hosts, int.MaxValue, h =>
        {
            var own = h.Failure ?? new DeployException(ErrorCodes.FleetHostFailed, $"Another host of the fleet failed: {reason.Message}");
            var switched = h.Session.Stage is DeployStage.Switched or DeployStage.Finished;
            h.Session.Abort(own);
            h.End(switched ? $"live, unfinished ({own.Code})" : h.Failure is null ? $"not switched ({ErrorCodes.FleetHostFailed}: another host failed)" : $"failed ({own.Code}), not switched");
        });
        WriteSummary();
    }

    /// <summary>Closes every connection; a deploy left unfinished is cleaned up first. Never throws.</summary>
    public void Dispose()
    {
        try
        {
            if (Hosts.Any(h => h.Session.Stage is not (DeployStage.Finished or DeployStage.Aborted) && h.Outcome is null))
            {
                Abort(new DeployException(ErrorCodes.NoPreparedRelease, "The build ended before the deploy finished."));
            }
        }
        finally
        {
            foreach (var host in Hosts)
            {
                host.Session.Dispose();
            }
        }
    }

    /// <summary>Runs a step on every host with the given bound; failed hosts keep their failure for the history and the summary.</summary>
    internal void Each(Action<FleetHost> step, int parallelism, string aftermath)
    {
        Fail(FleetParallel.Each(Hosts, parallelism, step), aftermath);
    }

    /// <summary>Keeps each failed host's failure (for the history and the summary) and throws one error naming each.</summary>
    private static void Fail(IReadOnlyList<(FleetHost Host, DeployException Error)> failures, string aftermath)
    {
        if (failures.Count == 0)
        {
            return;
        }

        foreach (var (host, error) in failures)
        {
            host.Failure ??= error;
        }

        throw FleetParallel.Combine(failures.Select(f => (f.Host.Name, f.Error)).ToArray(), aftermath);
    }

    private void WriteSummary()
    {
        if (_summarized)
        {
            return;
        }

        _summarized = true;
        foreach (var host in Hosts)
        {
            Log.Summary(host.SummaryLine());
        }
    }
}
