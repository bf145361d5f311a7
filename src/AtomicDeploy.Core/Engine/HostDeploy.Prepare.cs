using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Engine;

/// <summary>Step 1 on one host: the lock, the state query, and the new release under the deployment's name.</summary>
public sealed partial class HostDeploy
{
    /// <summary>The live release's manifest as recorded, as the lock's channel read it (null: none, or not readable).</summary>
    internal Manifest.ReleaseManifest? RecordedLiveManifest => _lock?.LiveManifest;

    /// <summary>The live release's links to <c>shared/</c>, as the lock's channel read them.</summary>
    internal IReadOnlyList<Planning.LiveSharedLink> LiveLinks => _lock?.LiveLinks ?? [];

    /// <summary>The live release and its history lines, as the lock's channel read them.</summary>
    internal History.ReleaseHistory LiveHistory => (_lock ?? throw new InvalidOperationException("Take the lock first.")).LiveHistory;

    /// <summary>
    /// Under the lock: creates the layout if missing and reads the state; in the same round trip
    /// creates the release as <paramref name="proposed"/> when no release of that name or later is
    /// there. Returns whether it did.
    /// </summary>
    internal bool Propose(string proposed, CancellationToken cancellationToken)
    {
        var pending = PendingRelease.Mark(_settings.Root, proposed, (Record("failed", ErrorCodes.Interrupted) with { Release = proposed }).ToJsonLine());
        var holder = "\n" + _lock!.OwnerLine(_lockOwner);
        _unconfirmed = proposed;
        // The lock's channel brought the live manifest: the state query leaves it out.
        var known = _lock.LiveManifest;
        var output = Run("read the deploy folder", RemoteScripts.ReadState(_settings.Root, _settings.CopyMode, keptFiles: true, manifestKnown: known is not null) + holder + RemoteScripts.CreateReleaseIfNewest(proposed, _settings.CopyMode, pending), null, cancellationToken).Output;
        var created = CreatedAs(output);
        if (created is not null)
        {
            // Known before the state is parsed, so a failure there still removes the new release.
            Release = proposed;
            output = output[..output.LastIndexOf(RemoteScripts.CreatedMarker, StringComparison.Ordinal)];
        }

        var remote = RemoteState.Parse(output, Where, known);
        _state = HostState.From(remote, Where, Log, _settings.Shared);
        ReportAppWrites(remote, cancellationToken);
        if (created == "copy" && _state.Live is null)
        {
            // current named a folder that only looks like a release: the new one starts empty.
            Run("create the release", RemoteScripts.RecreateEmpty(_settings.Root, proposed), null, cancellationToken);
            created = "empty";
        }

        if (created is not null)
        {
            Prepared(created == "copy" ? _state.Live : null);
        }

        return created is not null;
    }

    /// <summary>Gives the new release the name <paramref name="release"/>: creates it, or renames the one the state query created.</summary>
    internal void Create(string release, CancellationToken cancellationToken)
    {
        var pending = PendingRelease.Mark(_settings.Root, release, (Record("failed", ErrorCodes.Interrupted) with { Release = release }).ToJsonLine());
        _unconfirmed = release;
        if (Release is { } made)
        {
            Run("rename the release", RemoteScripts.RenameRelease(_settings.Root, made, release, pending), null, cancellationToken);
            Release = release;
            return;
        }

        Release = release;
        var copyFrom = _state.CopyFrom;
        Run("create the release", pending + RemoteScripts.CreateRelease(_settings.Root, release, copyFrom, _settings.CopyMode), null, cancellationToken);
        Prepared(copyFrom);
    }

    /// <summary>
    /// The name of a release a script of this step may have created, until the step knows it did:
    /// a cancel or a lost answer cuts the script's output off, and the abort then removes that release
    /// if it carries this deploy's pending mark.
    /// </summary>
    private string? _unconfirmed;

    /// <summary>
    /// Takes the deploy lock (its channel stays open for the whole deploy), unless it was taken on
    /// connecting; a failure to take it then is thrown here.
    /// </summary>
    internal void TakeLock(CancellationToken cancellationToken)
    {
        if (_lockFailure is { } failure)
        {
            _lockFailure = null;
            failure.Throw();
        }

        if (_lock is not null)
        {
            return;
        }

        // The state query names this deploy as the holder, after the downgrade guard let it through.
        _lock = DeployLock.Take(Shell, _settings.Root, _lockOwner, _settings.Timeouts.LockWait, Log, ownerLater: true, liveManifest: true, _manifests, cancellationToken);
        foreach (var leftover in _lock.Leftovers)
        {
            Log.Warning(ErrorCodes.LeftoverRemoved, $"The deploy of release {leftover} to {Where} was interrupted before its switch; its half-made release was removed and the failure recorded in the history.");
        }
    }

    /// <summary>
    /// Takes the deploy lock as soon as the host is connected (<see cref="DeploySettings.LockOnConnect"/>);
    /// a failure is kept for <see cref="TakeLock"/>, so PrepareRelease reports it as it always has
    /// (each host's outcome, the CI summary).
    /// </summary>
    internal void TakeLockOnConnect(CancellationToken cancellationToken)
    {
        try
        {
            TakeLock(cancellationToken);
        }
        catch (Exception e) when (e is DeployException or OperationCanceledException)
        {
            _lockFailure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
        }
    }

    private void Prepared(string? copyFrom) =>
        Log.Info(copyFrom is null
            ? $"AtomicDeploy: release {Release} created empty in {Where} (no live release to copy)."
            : $"AtomicDeploy: release {Release} created in {Where} as a {(_settings.CopyMode == CopyMode.HardLink ? "hard-link" : "full")} copy of {copyFrom}.");

    /// <summary><c>copy</c> or <c>empty</c> when the state query created the release (its marker ends the output), else null.</summary>
    private static string? CreatedAs(string output) =>
        output.EndsWith(RemoteScripts.CreatedMarker + "copy\n", StringComparison.Ordinal) ? "copy"
        : output.EndsWith(RemoteScripts.CreatedMarker + "empty\n", StringComparison.Ordinal) ? "empty"
        : null;
}
