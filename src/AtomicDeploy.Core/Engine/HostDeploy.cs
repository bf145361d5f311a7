using System.Diagnostics;
using System.Globalization;
using AtomicDeploy.Core.History;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Engine;

/// <summary>
/// The deploy on one host: its shell, lock, live state, new release, changes, bytes and outcome.
/// Each method does one step here and nothing else; <see cref="Deployment"/> decides what runs when,
/// on every host alike.
/// </summary>
public sealed partial class HostDeploy : IDisposable
{
    private readonly DeploySettings _settings;
    private readonly Stopwatch _clock;
    private readonly string _lockOwner;
    private readonly Manifest.CompressedManifests _manifests;
    private HostState _state = HostState.None;
    private DeployLock? _lock;
    private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _lockFailure;
    private TimeSpan? _switchRecorded;

    internal HostDeploy(DeployTarget target, IRemoteShell shell, DeploySettings settings, IDeployLog log, Stopwatch clock, Manifest.CompressedManifests manifests)
    {
        Name = target.Name;
        Role = target.Role;
        Hooks = target.Hooks ?? settings.Hooks;
        Shell = shell;
        Log = log;
        _settings = settings;
        _clock = clock;
        _manifests = manifests;
        _lockOwner = $"{settings.Context.User}@{settings.Context.Machine} pid {Environment.ProcessId} since {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} ({Guid.NewGuid():N})";
    }

    /// <summary>The host, for messages.</summary>
    public string Name { get; }

    /// <summary>The host's role, or null.</summary>
    public string? Role { get; }

    /// <summary>The commands and health check around the switch here: the host's own, its role's, or the properties'.</summary>
    public Operations.SwitchHookSettings Hooks { get; }

    /// <summary>The host's shell.</summary>
    public IRemoteShell Shell { get; }

    /// <summary>This host's lines in the build log.</summary>
    public IDeployLog Log { get; }

    /// <summary>The deploy folder and host, for messages.</summary>
    public string Where => $"{_settings.Root} on {Name}";

    /// <summary>The new release, once created.</summary>
    public string? Release { get; private set; }

    /// <summary>The release live before this deploy, if any.</summary>
    public string? PreviousRelease => _state.Live;

    /// <summary>The releases found on the host (before this deploy's).</summary>
    public IReadOnlyList<string> Releases => _state.Releases;

    /// <summary>The changes sent, once uploaded.</summary>
    public ManifestDiff? Diff { get; private set; }

    /// <summary>Files of the upload taken from the host's kept releases instead of sent, once uploaded.</summary>
    public int Reused { get; private set; }

    /// <summary>Bytes sent for the upload (compressed, as on the wire).</summary>
    public long BytesSent { get; private set; }

    /// <summary>The shared links made in the new release (paths relative to it).</summary>
    public IReadOnlyList<string> Links { get; private set; } = [];

    /// <summary>The releases this deploy pruned here.</summary>
    public IReadOnlyList<string> Pruned { get; private set; } = [];

    /// <summary>Whether <c>current</c> points at the new release (or may: a lost connection cannot tell).</summary>
    public bool Switched { get; private set; }

    /// <summary>Whether this deploy holds the host's deploy lock now (false before it is taken, on connecting or in the prepare; after the end; or once the lock was lost).</summary>
    public bool HoldsLock => _lock?.IsHeld == true;

    /// <summary>This host's own failure, if it failed.</summary>
    public DeployException? Failure { get; internal set; }

    /// <summary>How the deploy ended here, once it did: <c>deployed</c>, <c>not switched</c>, <c>switched back</c>, ...</summary>
    public string? Outcome { get; private set; }

    /// <summary>The time this host's deploy took, once it ended.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    private TimeSpan? Duration { get; set; }

    /// <summary>What the upload sends here for <paramref name="next"/>.</summary>
    internal ManifestDiff PlanUpload(ReleaseManifest next) => ManifestDiff.Compute(_state.LiveManifest, next);

    /// <summary>The live release's manifest (a hint for the scanner: unchanged files need not be read again).</summary>
    internal ReleaseManifest LiveManifest => _state.LiveManifest;

    /// <summary>Creates the declared shared paths, then links <c>shared/</c> into the release by the drop-down rule.</summary>
    internal SharedLinkPlan LinkShared(SharedPathList shared, CancellationToken cancellationToken)
    {
        // The upload script listed shared/ at its end (one round trip less), unless it could not.
        var output = _sharedListing ?? Run("list shared/", RemoteScripts.ListShared(_settings.Root, Release!, shared), null, cancellationToken).Output;
        _sharedListing = null;
        var seeds = SharedSeedReport.Parse(output, shared, out var listing);
        foreach (var seed in seeds)
        {
            // Once in a shared path's life, and what the app will read from then on: shown at the default verbosity.
            Log.Summary(seed.Message);
        }

        var plan = SharedListing.Parse(listing).Plan();
        foreach (var conflict in plan.Conflicts)
        {
            Log.Warning(ErrorCodes.SharedConflict, $"'{conflict}' is in shared/ and also in the release; the release's copy is kept. Remove it from the publish output if the shared one should be used, or declare it in AtomicDeploySharedPaths so the shared one always wins.");
        }

        // The folders above a declared path are entered by design; any other folder in both places
        // keeps the release's own folder, and what the app writes into it is lost at the next deploy.
        foreach (var folder in plan.DroppedDown.Where(f => !shared.IsAbove(f)))
        {
            Log.Warning(ErrorCodes.SharedConflict, $"'{folder}/' is a folder in shared/ and also in the release: the release keeps its own folder and links only the entries of shared/{folder}/ it lacks, so what the app writes there stays in the release and is lost at the next deploy. Declare '{folder}/' in AtomicDeploySharedPaths so the whole folder is shared, or remove it from the publish output.");
        }

        if (plan.Links.Count > 0)
        {
            Run("link shared/", RemoteScripts.CreateLinks(_settings.Root, Release!, plan.Links), null, cancellationToken);
        }

        foreach (var link in plan.Links)
        {
            Log.Detail($"  linked  {link.Path} -> {link.Target}");
        }

        Log.Info($"AtomicDeploy: {plan.Links.Count} shared entries linked into {Release}.");
        Links = plan.Links.Select(l => l.Path).ToArray();
        return plan;
    }

    /// <summary>
    /// Before the switch, removes the half-made release and records the failure (once a release was
    /// proposed); in any case releases the lock. Never throws: the original failure is what the user needs.
    /// </summary>
    internal void Abort(DeployException reason)
    {
        if (_lock is null)
        {
            return;
        }

        try
        {
            // A host switched back already recorded its failure and keeps the failed release for inspection.
            // Before a release was proposed nothing was made on this host (the publish folder's read,
            // the unchanged check, another host's lock failed): the lock just goes and the history
            // records no deploy, as the errors of that step say ("Nothing was changed on any host").
            if (!Switched && !SwitchUnknown && Outcome is null && (Release is not null || _unconfirmed is not null))
            {
                var clear = Release is null ? string.Empty : PendingRelease.Clear(_settings.Root, Release);
                // A release a cut-off script may have made is only looked for while this deploy still
                // holds the lock: then its pending mark can be no other deploy's.
                var unconfirmed = _unconfirmed != Release && _lock.IsHeld ? _unconfirmed : null;
                var live = PreviousRelease ?? _lock.LiveHistory.Live?.Name;
                var failed = Record("failed", reason.Code) with { Previous = live };
                var output = Shell.Run(RemoteScripts.Abort(_settings.Root, Release, failed.ToJsonLine(), unconfirmed, (failed with { Release = unconfirmed }).ToJsonLine()) + clear, null, _settings.Timeouts.Command, CancellationToken.None).Output;
                var removed = unconfirmed is not null && output.Contains(RemoteScripts.RemovedUnconfirmedMarker + unconfirmed + "\n", StringComparison.Ordinal) ? unconfirmed : Release;
                if (removed is not null)
                {
                    Log.Info($"AtomicDeploy: the half-made release {removed} was removed; {(live is null ? "nothing was live" : $"releases/{live} stays live")}.");
                }
            }
        }
        catch (DeployException e)
        {
            Log.Warning(e.Code, $"Cleaning up after the failure did not finish: {e.Message} The next deploy removes the half-made release.");
        }
        finally
        {
            ReleaseLock();
        }
    }

    /// <summary>Closes the connection (the lock goes with it). Never throws.</summary>
    public void Dispose()
    {
        ReleaseLock();
        Shell.Dispose();
    }

    /// <summary>Ends the lock's command (the lock goes with it); nothing is recorded.</summary>
    internal void ReleaseLock()
    {
        _lock?.Dispose();
        _lock = null;
    }

    private ShellResult Run(string what, string script, Action<Stream>? input, CancellationToken cancellationToken)
    {
        _lock?.ThrowIfLost(_settings.Root, Name);
        return RemoteCommand.Run(Shell, what, Where, script, input, _settings.Timeouts.Command, cancellationToken);
    }
}
