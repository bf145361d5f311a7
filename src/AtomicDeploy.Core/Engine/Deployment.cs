using System.Diagnostics;
using System.Globalization;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Operations;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Engine;

/// <summary>
/// One deploy to one host or many, step by step: a single host is a fleet of one. Every step runs on
/// every host (at most <see cref="DeploySettings.Parallelism"/> at a time) and ends everywhere before
/// the next begins, so the whole deployment has one <see cref="Stage"/>. No host switches unless every
/// host is ready; a failure after the switch switches every host back. A failure before it removes the
/// half-made release everywhere (<see cref="Abort"/>), so the live release is never touched.
/// </summary>
public sealed class Deployment : IDisposable
{
    private const string NoneSwitched = "No host was switched; the half-made release is removed on every host.";
    /// <summary>How a step whose failure changed no server ends its error (every host's message comes first).</summary>
    internal const string NothingChanged = "Nothing was changed on any host.";
    private readonly DeploymentLog _sink;
    private readonly Stopwatch _clock;
    private bool _summarized;

    private Deployment(DeploySettings settings, IReadOnlyList<HostDeploy> hosts, DeploymentLog sink, Stopwatch clock)
    {
        Settings = settings;
        Hosts = hosts;
        _sink = sink;
        Log = new HostLog(sink, null);
        _clock = clock;
    }

    /// <summary>The settings, checked.</summary>
    public DeploySettings Settings { get; }

    /// <summary>The hosts, in the order given.</summary>
    public IReadOnlyList<HostDeploy> Hosts { get; }

    /// <summary>The build log, for lines about the whole deployment.</summary>
    public IDeployLog Log { get; }

    /// <summary>Where the deployment has got to.</summary>
    public DeployStage Stage { get; private set; } = DeployStage.Connected;

    /// <summary>
    /// The new release's name, the same on every host, once prepared; when nothing changed, the live
    /// release (null if the hosts' live releases differ).
    /// </summary>
    public string? Release { get; private set; }

    /// <summary>Time since the deployment started connecting.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>
    /// Connects to every host (verifying its host key and logging in) through <paramref name="connect"/>,
    /// at most <see cref="DeploySettings.Parallelism"/> at a time, with at most
    /// <see cref="DeploySettings.ConnectLimit"/> connections starting at once, each tried once more
    /// after a failure that may pass (<see cref="ConnectStarts"/>). With
    /// <see cref="DeploySettings.LockOnConnect"/> each host's deploy lock is taken as soon as that
    /// host is connected (a lock it could not take is reported by <see cref="Prepare"/>, as without).
    /// If any host cannot be reached, no more locks are taken, every connection is closed (and with
    /// it every lock) and nothing was changed anywhere but for what taking a lock clears away: a
    /// half-made release an interrupted deploy left, and what an earlier prune left to delete.
    /// </summary>
    public static Deployment Open(DeploySettings settings, IDeployLog log, Func<DeployTarget, IRemoteShell> connect, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var sink = new DeploymentLog(log);
        var targets = settings.Hosts;
        var opened = new HostDeploy?[targets.Count];
        var connected = new TimeSpan[targets.Count];
        var manifests = new CompressedManifests();
        using var starts = new ConnectStarts(settings.ConnectLimit, settings.ConnectRetryDelay, targets.Count);
        using var unreachable = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The time each worker spent on locks, which is not the connections' time.
        using var locking = new ThreadLocal<TimeSpan>();
        var failures = HostParallel.Each(Enumerable.Range(0, targets.Count).ToArray(), settings.Parallelism, i =>
        {
            var hostClock = Stopwatch.StartNew();
            IRemoteShell shell;
            try
            {
                shell = starts.Connect(targets[i], connect, new HostLog(sink, null));
            }
            catch
            {
                unreachable.Cancel();
                throw;
            }

            connected[i] = clock.Elapsed - locking.Value;
            var host = opened[i] = new HostDeploy(targets[i], shell, settings, new HostLog(sink, targets.Count > 1 ? targets[i].Name : null), hostClock, manifests);
            if (settings.LockOnConnect && !unreachable.IsCancellationRequested)
            {
                // This host's round trip for the lock overlaps the handshakes of the hosts still connecting.
                var lockClock = Stopwatch.StartNew();
                host.TakeLockOnConnect(unreachable.Token);
                locking.Value += lockClock.Elapsed;
            }
        });

        // The git metadata was read while connecting; wait for it here, so its warning, if any,
        // is written while this step's task runs.
        _ = settings.Context.Git;
        if (failures.Count > 0)
        {
            foreach (var host in opened)
            {
                host?.Dispose();
            }

            throw HostParallel.Combine(failures.Select(f => (targets[f.Host].Name, f.Error)).ToArray(), NothingChanged);
        }

        var bound = targets.Count > 1 ? $"; working on {Math.Min(settings.Parallelism, targets.Count)} at a time" : string.Empty;
        log.Summary(string.Create(CultureInfo.InvariantCulture, $"AtomicDeploy: connected to {string.Join(", ", targets.Select(h => h.Name))} in {connected.Max().TotalSeconds:0.00} s{bound}."));
        return new Deployment(settings, opened!, sink, clock);
    }

    /// <summary>Sends the lines from now on to <paramref name="log"/> (the log of the task running the next step).</summary>
    public void LogTo(IDeployLog log) => _sink.Target = log;

    /// <summary>
    /// Step 1: takes every lock not taken on connecting, checks the downgrade guard (on what the lock's channel read), reads the
    /// publish folder and, unless nothing changed on any host (<see cref="UnchangedDeploy"/>: then it
    /// returns an empty name and the later steps do nothing), reads every host and creates the release
    /// under one name, later than every release on every host. Every host proposes the clock's name in
    /// its state query (one round trip); only when one refuses is a later name chosen for all.
    /// </summary>
    public string Prepare(DateTime utcNow, CancellationToken cancellationToken)
    {
        Expect(DeployStage.Connected, "PrepareRelease");
        Each(h => h.TakeLock(cancellationToken), NothingChanged);
        if (Settings.Context.AppVersion is { } version && !Settings.AllowDowngrade)
        {
            // The lock's channel brought the live release's history: the guard needs no round trip.
            Refuse(h => DowngradeGuard.Check(version, h.LiveHistory, false, h.Where));
        }

        // The publish folder is read now, against the live manifest the lock's channel brought: when
        // nothing changed on any host, no release is made (a large tree's copy and removal cost seconds).
        var next = _next = ReadSource(cancellationToken);
        // The lock's channel brought the live release's links to shared/ too.
        Refuse(h => SharedLinkGuard.Check(h.LiveLinks, Settings.Shared, Settings.Unshared, next, h.Where));
        SharedPathCase.Warn(Settings.Shared, Hosts.SelectMany(h => h.LiveLinks).Select(l => l.Path).Concat(next.Entries.Select(e => e.Path)), Log);
        if (UnchangedDeploy.LeaveAsIs(this, _next, cancellationToken))
        {
            Release = Hosts.Select(h => h.Release).Distinct().Count() == 1 ? Hosts[0].Release : null;
            Stage = DeployStage.Unchanged;
            return string.Empty;
        }

        var proposed = ReleaseName.Next(utcNow, []);
        var created = new System.Collections.Concurrent.ConcurrentDictionary<HostDeploy, bool>();
        Each(h => created[h] = h.Propose(proposed, cancellationToken));
        var release = proposed;
        if (Hosts.Any(h => !created[h]))
        {
            release = ReleaseName.Next(utcNow, Hosts.SelectMany(h => h.Releases));
            Each(h => h.Create(release, cancellationToken));
        }

        Release = release;
        Stage = DeployStage.Prepared;
        Log.Info($"AtomicDeploy: release {release} prepared on {Describe(Hosts.Count)}.");
        return release;
    }

    /// <summary>
    /// Step 2: diffs the publish folder (read once, in step 1) per host; hosts with the same changes
    /// share one compressed stream (files read and compressed once), the others get their own.
    /// </summary>
    public void Upload(CancellationToken cancellationToken)
    {
        if (Stage == DeployStage.Unchanged)
        {
            return;
        }

        Expect(DeployStage.Prepared, "UploadChanged");
        var source = Settings.Source.Folder!;
        // A new file of a size the hosts' kept releases hold is hashed now, so it can be taken from there.
        var next = PublishFolderScanner.HashFilesOfSizes(source, _next!, Hosts.SelectMany(h => h.KeptSizes).ToHashSet(), cancellationToken);
        Fail(UploadStreams.Run(Hosts, Settings.Parallelism, source, next, Log, cancellationToken), NoneSwitched);
        Stage = DeployStage.Uploaded;
    }

    /// <summary>
    /// Reads the publish folder into the new release's manifest: a file with the path, size and time
    /// of the live manifest's entry (the lock's channel brought it) is not read again.
    /// </summary>
    private ReleaseManifest ReadSource(CancellationToken cancellationToken)
    {
        var source = Settings.Source.Folder ?? throw new DeployException(ErrorCodes.SourceMissing, "No folder to deploy was given: set AtomicDeploySourceDir, or publish first.");
        foreach (var path in Settings.Source.Stale.Where(p => File.Exists(Path.Combine(source, p))).Order(StringComparer.Ordinal))
        {
            Log.Detail($"  not deployed: {path} (left in the publish folder by an earlier publish)");
        }

        // One host's manifest is enough as a hint: a file whose size and time match an entry is not read again.
        var live = Hosts.Select(h => h.RecordedLiveManifest ?? ReleaseManifest.Empty).ToArray();
        var hint = live.FirstOrDefault(m => m.Entries.Count > 0);
        var modes = Settings.Source.Modes;
        var next = modes.KeepLiveModes(PublishFolderScanner.Scan(source, Settings.Source.Include, hint, Log, cancellationToken, modes), live);
        DatabaseFiles.Warn(next.Entries.Where(e => !e.IsDirectory).Select(e => e.Path), Settings.Shared, Log);
        return next;
    }

    /// <summary>
    /// Runs a check of step 1 on every host, under the locks. A refusal changed nothing (the holder
    /// is named only later): the locks just go, and the history records no failed deploy.
    /// </summary>
    private void Refuse(Action<HostDeploy> check)
    {
        try
        {
            Each(check, NothingChanged);
        }
        catch (DeployException)
        {
            foreach (var host in Hosts)
            {
                host.ReleaseLock();
            }

            throw;
        }
    }

    /// <summary>What the publish folder holds, read in step 1.</summary>
    private ReleaseManifest? _next;

    /// <summary>Step 3: creates the declared shared paths, then links <c>shared/</c> into the release on every host.</summary>
    public void LinkShared(CancellationToken cancellationToken)
    {
        if (Stage == DeployStage.Unchanged)
        {
            return;
        }

        Expect(DeployStage.Uploaded, "LinkShared");
        Each(h => h.LinkShared(Settings.Shared, cancellationToken));
        Stage = DeployStage.Linked;
    }

    /// <summary>Step 4: the checked switch on every host (<see cref="DeploymentSwitch"/>).</summary>
    public void Switch(CancellationToken cancellationToken)
    {
        if (Stage == DeployStage.Unchanged)
        {
            return;
        }

        Expect(DeployStage.Linked, "SwitchCurrent");
        DeploymentSwitch.Run(this, cancellationToken);
        Stage = DeployStage.Switched;
    }

    /// <summary>Step 5: prunes old releases and releases the lock on every host, then the summary.</summary>
    public void Prune(CancellationToken cancellationToken)
    {
        if (Stage == DeployStage.Unchanged)
        {
            Stage = DeployStage.Finished;
            WriteSummary();
            Log.Summary(UnchangedDeploy.ClosingLine(this));
            CiSummary.Write(this, null);
            return;
        }

        Expect(DeployStage.Switched, "PruneReleases");
        Each(h =>
        {
            h.Prune(cancellationToken);
            h.End("deployed");
        }, $"Release {Release} is live on every host; only the pruning or the lock release failed where named.");
        Stage = DeployStage.Finished;
        WriteSummary();
        Log.Summary(DeploymentReport.ClosingLine(this));
        CiSummary.Write(this, null);
    }

    /// <summary>Every step in order (tests and the benchmark), returning <see cref="Release"/>; on failure the deployment is aborted, as the tasks do.</summary>
    public string Run(DateTime utcNow, CancellationToken cancellationToken)
    {
        try
        {
            Prepare(utcNow, cancellationToken);
            Upload(cancellationToken);
            LinkShared(cancellationToken);
            Switch(cancellationToken);
            Prune(cancellationToken);
            return Release ?? string.Empty;
        }
        catch (DeployException e)
        {
            Abort(e);
            throw;
        }
    }

    /// <summary>
    /// Cleans up every host after a failure: before the switch each host's half-made release is removed
    /// and recorded as failed (with its own failure, or AD0702; a host where no release was proposed yet
    /// only releases its lock); after it, only the locks are released. Never throws.
    /// </summary>
    public void Abort(DeployException reason)
    {
        if (Stage is DeployStage.Finished or DeployStage.Aborted)
        {
            return;
        }

        // A host that did not fail itself failed because another did (AD0702), or, when no host
        // failed, for the deployment's own reason (a cancel, a file that changed while it was read).
        var anyHostFailed = Hosts.Any(h => h.Failure is not null);
        HostParallel.Each(Hosts, int.MaxValue, h =>
        {
            var own = h.Failure ?? (anyHostFailed ? new DeployException(ErrorCodes.FleetHostFailed, $"Another host failed: {reason.Message}") : reason);
            var live = h.Switched;
            h.Abort(own);
            h.End(live ? $"live, unfinished ({own.Code})"
                : h.SwitchUnknown ? $"unknown whether switched ({own.Code}): check current"
                : own.Code == ErrorCodes.FleetHostFailed ? $"not switched ({ErrorCodes.FleetHostFailed}: another host failed)"
                : own.Code == ErrorCodes.RolloutBatchFailed ? $"not switched ({ErrorCodes.RolloutBatchFailed}: an earlier batch failed)"
                : $"failed ({own.Code}), not switched");
        });
        Stage = DeployStage.Aborted;
        WriteSummary();
        CiSummary.Write(this, reason);
    }

    /// <summary>Closes every connection; a deployment left unfinished is cleaned up first. Never throws.</summary>
    public void Dispose()
    {
        try
        {
            Abort(new DeployException(ErrorCodes.NoPreparedRelease, "The build ended before the deploy finished."));
        }
        finally
        {
            foreach (var host in Hosts)
            {
                host.Dispose();
            }
        }
    }

    /// <summary>Runs <paramref name="step"/> on every host; if it failed on any, throws one error naming each failed host.</summary>
    public void Each(Action<HostDeploy> step, string aftermath = NoneSwitched) =>
        Fail(HostParallel.Each(Hosts, Settings.Parallelism, step), aftermath);

    /// <summary>Runs <paramref name="step"/> on every host and returns each host's result; if it failed on any, throws one error naming each failed host.</summary>
    public IReadOnlyDictionary<HostDeploy, T> Each<T>(Func<HostDeploy, T> step, string aftermath)
    {
        var results = new System.Collections.Concurrent.ConcurrentDictionary<HostDeploy, T>();
        Each(h => { results[h] = step(h); }, aftermath);
        return results;
    }

    /// <summary>Keeps each failed host's failure (for the history and the summary) and throws one error naming each.</summary>
    internal static void Fail(IReadOnlyList<(HostDeploy Host, DeployException Error)> failures, string aftermath)
    {
        if (failures.Count == 0)
        {
            return;
        }

        foreach (var (host, error) in failures)
        {
            host.Failure ??= error;
        }

        throw HostParallel.Combine(failures.Select(f => (f.Host.Name, f.Host.Failure!)).ToArray(), aftermath);
    }

    private void Expect(DeployStage stage, string task)
    {
        if (Stage != stage)
        {
            throw new DeployException(ErrorCodes.NoPreparedRelease,
                $"{task} cannot run now: the deploy to {Settings.Root} on {Describe(Hosts.Count)} is at stage '{Stage}', and {task} needs '{stage}'. Run the tasks in order: PrepareRelease, UploadChanged, LinkShared, SwitchCurrent, PruneReleases.");
        }
    }

    private string Describe(int count) => count == 1 ? Hosts[0].Name : $"all {count} hosts";

    /// <summary>One line per host, once: after the deploy, or after a failure.</summary>
    private void WriteSummary()
    {
        if (!_summarized)
        {
            _summarized = true;
            DeploymentReport.HostLines(this);
        }
    }
}
