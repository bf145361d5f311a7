using System.Diagnostics;
using System.Globalization;
using AtomicDeploy.Core.History;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;
using AtomicDeploy.Core.Upload;

namespace AtomicDeploy.Core;

/// <summary>Where a deploy has got to.</summary>
public enum DeployStage
{
    /// <summary>Connected; nothing changed yet.</summary>
    Connected,

    /// <summary>Lock held, new release created.</summary>
    Prepared,

    /// <summary>Changed files sent, new manifest written.</summary>
    Uploaded,

    /// <summary>Shared entries linked.</summary>
    Linked,

    /// <summary><c>current</c> points at the new release.</summary>
    Switched,

    /// <summary>Old releases pruned, lock released.</summary>
    Finished,

    /// <summary>Failed before the switch and cleaned up.</summary>
    Aborted,
}

/// <summary>
/// One deploy to one target, step by step. The five MSBuild tasks each call one step; the session
/// (and its connection) lives for the whole build. If a step fails before the switch, <see cref="Abort"/>
/// removes the half-made release, records the failure and releases the lock; the live release is
/// never touched before the switch.
/// </summary>
public sealed class DeploySession : IDisposable
{
    private readonly IRemoteShell _shell;
    private readonly DeployContext _context;
    private readonly StepLog _log;
    private readonly TimeSpan _commandTimeout;
    private readonly string _lockOwner;
    private readonly Stopwatch _clock;
    private readonly List<string> _releases = [];
    private ReleaseManifest _liveManifest = ReleaseManifest.Empty;
    private ManifestDiff? _diff;
    private long _bytesSent;
    private DeployLock? _lock;
    private bool _stateRead;

    /// <summary>
    /// Starts a session on an open shell. The session owns the shell from here on. Pass the
    /// <paramref name="clock"/> started before connecting so the deploy's time includes the connection.
    /// </summary>
    public DeploySession(IRemoteShell shell, string root, DeployContext context, IDeployLog log, TimeSpan commandTimeout, Stopwatch? clock = null)
    {
        _clock = clock ?? Stopwatch.StartNew();
        _shell = shell;
        Root = root;
        _context = context;
        _log = new StepLog(log);
        _commandTimeout = commandTimeout;
        _lockOwner = $"{context.User}@{context.Machine} pid {Environment.ProcessId} since {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} ({Guid.NewGuid():N})";
    }

    /// <summary>Sends the session's lines from now on to <paramref name="log"/> (the log of the task running the next step).</summary>
    public void LogTo(IDeployLog log) => _log.LogTo(log);

    /// <summary>The deploy folder on the target.</summary>
    public string Root { get; }

    /// <summary>The target, for messages.</summary>
    public string TargetName => _shell.Name;

    /// <summary>Where the deploy has got to.</summary>
    public DeployStage Stage { get; private set; } = DeployStage.Connected;

    /// <summary>The new release's name, once prepared.</summary>
    public string? Release { get; private set; }

    /// <summary>The release that was live before this deploy, if any.</summary>
    public string? PreviousRelease { get; private set; }

    /// <summary>The differences sent, once uploaded.</summary>
    public ManifestDiff? Diff => _diff;

    /// <summary>Bytes sent for the upload (compressed, as on the wire).</summary>
    public long BytesSent => _bytesSent;

    /// <summary>Time since the deploy started (connection included when the caller passed its clock).</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>The target's shell, for the steps around the switch (hooks, health check).</summary>
    public IRemoteShell Shell => _shell;

    /// <summary>The history line this deploy writes, with the given outcome.</summary>
    public DeployRecord HistoryRecord(string outcome, string? error) => Record(outcome, error);

    /// <summary>Whether this deploy holds the deploy lock now (false before PrepareRelease, after the end, or once the lock was lost).</summary>
    public bool HoldsLock => _lock?.IsHeld == true;

    /// <summary>How long to wait for the lock while another deploy holds it (0: fail at once).</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Step 1: takes the lock, creates the layout if missing, reads the live release, creates the new release.</summary>
    public string Prepare(CopyMode copyMode, DateTime utcNow, CancellationToken cancellationToken)
    {
        Expect(DeployStage.Connected, "PrepareRelease");
        TakeLock(cancellationToken);

        // The release is created in the same round trip when the clock's name is the newest; else below.
        // Either way it is marked pending first, so a deploy killed from here on is cleaned up by the next.
        var proposed = ReleaseName.Next(utcNow, []);
        var state = Run("read the deploy folder", RemoteScripts.ReadState(Root) + RemoteScripts.CreateReleaseIfNewest(proposed, copyMode, PendingRelease.Mark(Root, proposed, (Record("failed", ErrorCodes.Interrupted) with { Release = proposed }).ToJsonLine())), null, cancellationToken);
        var output = state.Output;
        var created = CreatedAs(output);
        if (created is not null)
        {
            // Known before the state is parsed, so a failure there still removes the new release.
            Release = proposed;
            output = output[..output.LastIndexOf(RemoteScripts.CreatedMarker, StringComparison.Ordinal)];
        }

        TakeState(RemoteState.Parse(output, $"{Root} on {TargetName}"));
        _stateRead = true;
        var copyFrom = created == "copy" ? PreviousRelease : null;
        if (created == "copy" && PreviousRelease is null)
        {
            // current named a folder that only looks like a release: the new one starts empty.
            Run("create the release", RemoteScripts.RecreateEmpty(Root, Release!), null, cancellationToken);
        }
        else if (created is null)
        {
            Release = ReleaseName.Next(utcNow, _releases);
            copyFrom = PreviousRelease is not null && _liveManifest.Entries.Count > 0 ? PreviousRelease : null;
            CreateRelease(copyFrom, copyMode, cancellationToken);
        }

        return Prepared(copyFrom, copyMode);
    }

    /// <summary>
    /// Step 1 with a given release name (a fleet's, the same on every host): it must be later than
    /// every release on this target, which <see cref="Lock"/> lists.
    /// </summary>
    public string Prepare(CopyMode copyMode, string release, CancellationToken cancellationToken)
    {
        var existing = Lock(cancellationToken);
        if (!ReleaseName.IsReleaseName(release) || ReleaseName.Next(ReleaseName.Parse(release), existing) != release)
        {
            throw new DeployException(ErrorCodes.RemoteStateInvalid, $"The release name {release} is not later than every release in {Root} on {TargetName}.");
        }

        Release = release;
        var copyFrom = PreviousRelease is not null && _liveManifest.Entries.Count > 0 ? PreviousRelease : null;
        CreateRelease(copyFrom, copyMode, cancellationToken);
        return Prepared(copyFrom, copyMode);
    }

    /// <summary>
    /// The first half of step 1: takes the lock, creates the layout if missing and reads the live
    /// release (once). Returns the releases that exist, so a fleet can choose one name for all hosts.
    /// </summary>
    public IReadOnlyList<string> Lock(CancellationToken cancellationToken)
    {
        Expect(DeployStage.Connected, "PrepareRelease");
        if (_stateRead)
        {
            return _releases;
        }

        TakeLock(cancellationToken);
        var state = Run("read the deploy folder", RemoteScripts.ReadState(Root), null, cancellationToken);
        TakeState(RemoteState.Parse(state.Output, $"{Root} on {TargetName}"));
        _stateRead = true;
        return _releases;
    }

    private void TakeLock(CancellationToken cancellationToken)
    {
        _lock = DeployLock.Take(_shell, Root, _lockOwner, LockWait, _log, cancellationToken);
        foreach (var leftover in _lock.Leftovers)
        {
            _log.Warning(ErrorCodes.LeftoverRemoved, $"The deploy of release {leftover} to {Root} on {TargetName} was interrupted before its switch; its half-made release was removed and the failure recorded in the history.");
        }
    }

    /// <summary>Creates <see cref="Release"/>, marked pending first so that a killed deploy's release is removed by the next.</summary>
    private void CreateRelease(string? copyFrom, CopyMode copyMode, CancellationToken cancellationToken) =>
        Run("create the release", PendingRelease.Mark(Root, Release!, Record("failed", ErrorCodes.Interrupted).ToJsonLine()) + RemoteScripts.CreateRelease(Root, Release!, copyFrom, copyMode), null, cancellationToken);

    private string Prepared(string? copyFrom, CopyMode copyMode)
    {
        Stage = DeployStage.Prepared;
        _log.Info(copyFrom is null
            ? $"AtomicDeploy: release {Release} created empty in {Root} on {TargetName} (no live release to copy)."
            : $"AtomicDeploy: release {Release} created in {Root} on {TargetName} as a {(copyMode == CopyMode.HardLink ? "hard-link" : "full")} copy of {copyFrom}.");
        return Release!;
    }

    /// <summary>
    /// Step 2: hashes the publish folder (only the files <paramref name="include"/> accepts, when
    /// given), sends what changed as one compressed tar stream, deletes what was removed.
    /// </summary>
    public ManifestDiff Upload(string sourceDir, Func<string, FileInfo, bool>? include, CancellationToken cancellationToken)
    {
        Expect(DeployStage.Prepared, "UploadChanged");
        return UploadScanned(sourceDir, PublishFolderScanner.Scan(sourceDir, include, _liveManifest, _log, cancellationToken), cancellationToken);
    }

    /// <summary>Step 2 with the publish folder already hashed into <paramref name="next"/> (a fleet hashes it once for all hosts).</summary>
    public ManifestDiff UploadScanned(string sourceDir, ReleaseManifest next, CancellationToken cancellationToken) =>
        UploadScanned(sourceDir, next, null, cancellationToken);

    /// <summary>What step 2 would send for <paramref name="next"/> (a fleet compares its hosts' changes to share one stream).</summary>
    internal ManifestDiff PlanUpload(ReleaseManifest next) => ManifestDiff.Compute(_liveManifest, next);

    /// <summary>Step 2, with <paramref name="sharedArchive"/>, when given, writing the archive (one stream shared by fleet hosts with the same changes).</summary>
    internal ManifestDiff UploadScanned(string sourceDir, ReleaseManifest next, Action<Stream>? sharedArchive, CancellationToken cancellationToken)
    {
        Expect(DeployStage.Prepared, "UploadChanged");
        var diff = ManifestDiff.Compute(_liveManifest, next);
        _log.Info($"AtomicDeploy: {next.FileCount} files published; sending {diff.FilesAdded} added and {diff.FilesChanged} changed ({Format(diff.BytesToSend)}), removing {diff.Removed.Count}, keeping {diff.Unchanged} unchanged.");
        foreach (var (verb, path) in diff.Files())
        {
            _log.Detail($"  {(verb == "add" ? "added" : verb + "d"),-7} {path}");
        }

        Run("upload the changed files", RemoteScripts.Upload(Root, Release!), input =>
        {
            var counter = new CountingStream(input);
            if (sharedArchive is null)
            {
                ReleaseArchive.Write(counter, sourceDir, Release!, diff, next, _log, cancellationToken);
            }
            else
            {
                sharedArchive(counter);
            }

            _bytesSent = counter.BytesWritten;
        }, cancellationToken);

        _diff = diff;
        Stage = DeployStage.Uploaded;
        return diff;
    }

    /// <summary>Step 3: creates the declared shared paths, then links <c>shared/</c> into the release by the drop-down rule.</summary>
    public SharedLinkPlan LinkShared(IReadOnlyList<string> sharedPaths, CancellationToken cancellationToken)
    {
        Expect(DeployStage.Uploaded, "LinkShared");
        var shared = SharedPathList.Parse(sharedPaths);
        var listing = Run("list shared/", RemoteScripts.ListShared(Root, Release!, shared.Folders, shared.Files), null, cancellationToken);
        var sharedKinds = new Dictionary<string, bool>(StringComparer.Ordinal);
        var release = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var record in listing.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            if (record.Length < 3)
            {
                continue;
            }

            var path = record[2..];
            sharedKinds[path] = record[0] == 'd';
            if (record[1] != '-')
            {
                release[path] = record[1] == 'd';
            }
        }

        var plan = SharedLinkPlan.Compute(sharedKinds, release);
        foreach (var conflict in plan.Conflicts)
        {
            _log.Warning(ErrorCodes.SharedConflict, $"'{conflict}' is in shared/ and also in the release; the release's copy is kept. Remove it from the publish output if the shared one should be used.");
        }

        if (plan.Links.Count > 0)
        {
            Run("link shared/", RemoteScripts.CreateLinks(Root, Release!, plan.Links), null, cancellationToken);
        }

        foreach (var link in plan.Links)
        {
            _log.Detail($"  linked  {link.Path} -> {link.Target}");
        }

        _log.Info($"AtomicDeploy: {plan.Links.Count} shared entries linked into {Release}.");
        Stage = DeployStage.Linked;
        return plan;
    }

    /// <summary>Step 4: points <c>current</c> at the new release with one rename, and records the deploy.</summary>
    public void Switch(CancellationToken cancellationToken)
    {
        Expect(DeployStage.Linked, "SwitchCurrent");
        try
        {
            Run("switch current", RemoteScripts.Switch(Root, Release!, Record("success", null).ToJsonLine()) + PendingRelease.Clear(Root, Release!), null, cancellationToken);
        }
        catch (DeployException) when (SwitchHappened() is var switched && switched != false)
        {
            // The rename happened (or the connection is gone and it cannot be told) and a later
            // command failed: nothing may be cleaned up as if the switch had not happened.
            Stage = DeployStage.Switched;
            _log.Summary(switched == true
                ? $"AtomicDeploy: current -> releases/{Release} on {TargetName}: the new release IS live; the failure below came after the switch."
                : $"AtomicDeploy: whether current on {TargetName} points at releases/{Release} could not be checked after the failure below; look at {Root}/current.");
            throw;
        }

        Stage = DeployStage.Switched;
        _log.Info($"AtomicDeploy: current -> releases/{Release} on {TargetName}.");
    }

    /// <summary>Step 5: deletes all but the newest <paramref name="keep"/> releases (never the live one) and releases the lock.</summary>
    public IReadOnlyList<string> Prune(int keep, CancellationToken cancellationToken)
    {
        Expect(DeployStage.Switched, "PruneReleases");
        var doomed = PrunePlan.ReleasesToDelete(_releases.Append(Release!), Release, keep);
        Run("prune old releases", RemoteScripts.Prune(Root, doomed), null, cancellationToken);
        ReleaseLock();
        Stage = DeployStage.Finished;
        if (doomed.Count > 0)
        {
            _log.Info($"AtomicDeploy: pruned {string.Join(", ", doomed)} (keeping {keep}).");
        }

        return doomed;
    }

    /// <summary>
    /// Cleans up after a failure: before the switch, removes the half-made release and records the
    /// failure; in any case releases the lock. Never throws: the original failure is what the user needs.
    /// </summary>
    public void Abort(DeployException reason)
    {
        if (Stage is DeployStage.Finished or DeployStage.Aborted || _lock is null)
        {
            return;
        }

        var beforeSwitch = Stage < DeployStage.Switched;
        try
        {
            // After the switch the deploy is live and its history line is written: only the lock is left to release.
            if (beforeSwitch)
            {
                var clear = Release is null ? string.Empty : PendingRelease.Clear(Root, Release);
                _shell.Run(RemoteScripts.Abort(Root, Release, Record("failed", reason.Code).ToJsonLine()) + clear, null, _commandTimeout, CancellationToken.None);
            }

            if (beforeSwitch && Release is not null)
            {
                _log.Info($"AtomicDeploy: the half-made release {Release} was removed; {(PreviousRelease is null ? "nothing was live" : $"releases/{PreviousRelease} stays live")}.");
            }
        }
        catch (DeployException e)
        {
            _log.Warning(e.Code, $"Cleaning up after the failure did not finish: {e.Message} The next deploy removes the half-made release.");
        }
        finally
        {
            ReleaseLock();
            if (beforeSwitch)
            {
                Stage = DeployStage.Aborted;
            }
        }
    }

    /// <summary>
    /// Closes the connection; a deploy left unfinished is cleaned up first. Never throws: it also runs
    /// when MSBuild ends the build, and after failures whose message is what the user needs.
    /// </summary>
    public void Dispose()
    {
        try
        {
            // Before the switch this removes the half-made release; after it, it only releases the lock.
            Abort(new DeployException(ErrorCodes.NoPreparedRelease, "The build ended before the deploy finished."));
        }
        finally
        {
            _shell.Dispose();
        }
    }

    /// <summary><c>copy</c> or <c>empty</c> when the state query created the release (its marker ends the output), else null.</summary>
    private static string? CreatedAs(string output) =>
        output.EndsWith(RemoteScripts.CreatedMarker + "copy\n", StringComparison.Ordinal) ? "copy"
        : output.EndsWith(RemoteScripts.CreatedMarker + "empty\n", StringComparison.Ordinal) ? "empty"
        : null;

    private void ReleaseLock()
    {
        _lock?.Dispose();
        _lock = null;
    }

    /// <summary>Whether current points at the new release: null when the server cannot be asked.</summary>
    private bool? SwitchHappened()
    {
        try
        {
            var check = _shell.Run($"readlink -- {ShellQuote.Quote(Root + "/current")}", null, _commandTimeout, CancellationToken.None);
            return check.Output.TrimEnd('\n').Split('\n')[^1] == $"releases/{Release}";
        }
        catch (DeployException)
        {
            return null;
        }
    }

    private void TakeState(RemoteState state)
    {
        _releases.AddRange(state.Releases);
        PreviousRelease = state.LiveRelease;
        if (state.CurrentLink.Length > 0 && state.LiveRelease is null)
        {
            _log.Warning(ErrorCodes.RemoteStateInvalid, $"current on {TargetName} points at '{state.CurrentLink}', not at a release of this tool; the new release is made from scratch and current will be switched to it.");
        }

        if (state.RecordedManifest is not null)
        {
            _liveManifest = LiveReleaseCheck.Effective(state.RecordedManifest, state.LiveListing, out var repaired);
            if (repaired > 0)
            {
                _log.Info($"AtomicDeploy: {repaired} entries of the live release {PreviousRelease} differ from its manifest (missing, changed, or not published); the new release gets the published ones.");
            }
        }
    }

    private ShellResult Run(string what, string script, Action<Stream>? input, CancellationToken cancellationToken)
    {
        _lock?.ThrowIfLost(Root, TargetName);
        var result = _shell.Run(script, input, _commandTimeout, cancellationToken);
        if (result.ExitCode != 0)
        {
            var error = ServerText.OneLine(result.Error);
            if (error.Contains("No space left on device", StringComparison.Ordinal) || error.Contains("Disk quota exceeded", StringComparison.Ordinal))
            {
                throw new DeployException(ErrorCodes.DiskFull,
                    $"The disk holding {Root} on {TargetName} is full (or the deploy user's quota is used up): could not {what}. The live release keeps serving and the half-made release is removed, which gives its space back. Free some space (or lower AtomicDeployKeepReleases), then deploy again. {error}");
            }

            throw new DeployException(ErrorCodes.RemoteFailed,
                $"Could not {what} in {Root} on {TargetName} (exit code {result.ExitCode}): {(error.Length > 0 ? error : "no error output")}");
        }

        return result;
    }

    private void Expect(DeployStage stage, string task)
    {
        if (Stage != stage)
        {
            throw new DeployException(ErrorCodes.NoPreparedRelease,
                $"{task} cannot run now: the deploy to {Root} on {TargetName} is at stage '{Stage}', and {task} needs '{stage}'. Run the tasks in order: PrepareRelease, UploadChanged, LinkShared, SwitchCurrent, PruneReleases.");
        }
    }

    private DeployRecord Record(string outcome, string? error) => new()
    {
        Event = "deploy",
        Release = Release,
        Previous = PreviousRelease,
        Time = DateTime.UtcNow,
        User = _context.User,
        Machine = _context.Machine,
        Version = _context.AppVersion,
        Commit = _context.Git?.Commit,
        Branch = _context.Git?.Branch,
        Dirty = _context.Git?.Dirty,
        Added = _diff?.FilesAdded ?? 0,
        Changed = _diff?.FilesChanged ?? 0,
        Removed = _diff?.Removed.Count ?? 0,
        Unchanged = _diff?.Unchanged ?? 0,
        BytesSent = _bytesSent,
        DurationMs = _clock.ElapsedMilliseconds,
        Outcome = outcome,
        Error = error,
    };

    /// <summary>Formats a byte count for the log.</summary>
    public static string Format(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
        _ => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
    };
}
