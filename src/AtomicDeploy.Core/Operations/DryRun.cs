using System.Globalization;
using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Operations;

/// <summary>
/// Reads every host and prints what a deploy would do there — files added, changed and removed,
/// bytes to send, shared links, releases pruned — with read-only scripts only: no lock, no layout,
/// no writes. The publish folder is hashed once for all hosts.
/// </summary>
public static class DryRun
{
    /// <summary>Plans the deploy of <paramref name="deployment"/> (opened, not prepared) and logs the plan, one section per host.</summary>
    public static void Run(Deployment deployment, CancellationToken cancellationToken)
    {
        var settings = deployment.Settings;
        var started = DateTime.UtcNow;
        var source = settings.Source.Folder ?? throw new DeployException(ErrorCodes.SourceMissing, "No folder to deploy was given: set AtomicDeploySourceDir, or publish first.");
        var next = PublishFolderScanner.Scan(source, settings.Source.Include, null, deployment.Log, cancellationToken, settings.Source.Modes);
        deployment.Each(h => PlanHost(deployment, h, next, started, cancellationToken), Deployment.NothingChanged);
        if (settings.Rollout.Mode == RolloutMode.Rolling)
        {
            var batches = settings.Rollout.Batches(deployment.Hosts);
            var size = settings.Rollout.BatchSize(deployment.Hosts.Count);
            deployment.Log.Summary(string.Create(CultureInfo.InvariantCulture,
                $"AtomicDeploy (dry run): rolling: would switch in {batches.Count} {(batches.Count == 1 ? "batch" : "batches")} of up to {size} {(size == 1 ? "host" : "hosts")} ({settings.Rollout}), each only after the one before passed its after-switch commands and health checks: {RollingSwitch.Describe(batches)}."));
        }
    }

    private static void PlanHost(Deployment deployment, HostDeploy host, ReleaseManifest next, DateTime started, CancellationToken cancellationToken)
    {
        var settings = deployment.Settings;
        var log = host.Log;
        var inspection = ServerInspection.Read(host.Shell, settings.Root, withManifest: true, settings.Timeouts.Command, cancellationToken);
        DowngradeGuard.Check(settings.Context.AppVersion, inspection.History, settings.AllowDowngrade, host.Where);
        var state = inspection.State;
        var live = state.RecordedManifest is null ? ReleaseManifest.Empty : LiveReleaseCheck.Effective(state.RecordedManifest, state.LiveListing, out _, settings.Shared.Covers);
        next = settings.Source.Modes.KeepLiveModes(next, [live]);
        var (liveLinks, sharedNow) = ReadShared(host, settings, cancellationToken);
        SharedLinkGuard.Check(liveLinks, settings.Shared, settings.Unshared, next, host.Where);
        SharedPathCase.Warn(settings.Shared, liveLinks.Select(l => l.Path).Concat(next.Entries.Select(e => e.Path)), log);
        var diff = ManifestDiff.Compute(live, next);
        log.Info($"AtomicDeploy (dry run): {next.FileCount} files published; would send {diff.FilesAdded} added and {diff.FilesChanged} changed ({ByteSize.Format(diff.BytesToSend)} before compression), remove {diff.FilesRemoved}, keep {diff.Unchanged} unchanged.");
        foreach (var (verb, path) in diff.Files())
        {
            log.Info($"  would {verb,-7} {path}");
        }

        DatabaseFiles.Warn(next.Entries.Where(e => !e.IsDirectory).Select(e => e.Path), settings.Shared, log);
        var links = PlanLinks(host, settings, live, next, sharedNow);
        foreach (var link in links.Links)
        {
            log.Info($"  would link    {link.Path} -> {link.Target}");
        }

        var release = ReleaseName.Next(started, state.Releases);
        // As the deploy's prune decides, but without looking for processes (a dry run only reads).
        var failed = inspection.History.Releases.Where(r => r.Outcome == "failed").Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var pruned = PrunePlan.ReleasesToDelete(state.Releases.Append(release), failed, state.LiveRelease is { } wasLive ? [release, wasLive] : [release], settings.Keep);
        LogHooks(host.Hooks, log);
        if (settings.Once is { } once && deployment.Hosts[once.HostIndex] == host)
        {
            log.Info($"  would run once, on this host only, before any host switches: {once.Command}{(once.VariableNames.Count == 0 ? string.Empty : $" (given {string.Join(", ", once.VariableNames)} from the build's environment)")}");
        }

        if (settings.Slots is { } slots)
        {
            LogSlots(host, settings.Root, slots, release, cancellationToken);
        }

        log.Summary(string.Create(CultureInfo.InvariantCulture,
            $"AtomicDeploy: DRY RUN, nothing was changed: would deploy release {release} to {settings.Root} on {host.Name} " +
            $"({diff.FilesAdded} added, {diff.FilesChanged} changed, {diff.FilesRemoved} removed, {ByteSize.Format(diff.BytesToSend)} to send, " +
            $"{links.Links.Count} shared links, {(pruned.Count == 0 ? "nothing pruned" : "would prune " + string.Join(", ", pruned))}) in {host.Elapsed.TotalSeconds:0.00} s."));
    }

    /// <summary>The live release's links to <c>shared/</c>, and what <c>shared/</c> holds (against the live release).</summary>
    private static (IReadOnlyList<LiveSharedLink> Links, SharedListing Shared) ReadShared(HostDeploy host, DeploySettings settings, CancellationToken cancellationToken)
    {
        var output = RemoteCommand.Run(host.Shell, "list shared/", host.Where, ReadOnlyScripts.ListSharedAgainstLive(settings.Root), null, settings.Timeouts.Command, cancellationToken).Output;
        // The marker ends the links' lines; it starts a line of its own (no link's line holds a line break).
        var marker = output.StartsWith(ReadOnlyScripts.SharedListingMarker, StringComparison.Ordinal) ? 0 : output.IndexOf("\n" + ReadOnlyScripts.SharedListingMarker, StringComparison.Ordinal) is var at and >= 0 ? at + 1 : -1;
        if (marker < 0)
        {
            return ([], SharedListing.Parse(string.Empty));
        }

        var links = output[..marker].Split('\n').Select(LiveSharedLink.FromLine).OfType<LiveSharedLink>().ToArray();
        return (links, SharedListing.Parse(output[(marker + ReadOnlyScripts.SharedListingMarker.Length)..]));
    }

    private static SharedLinkPlan PlanLinks(HostDeploy host, DeploySettings settings, ReleaseManifest live, ReleaseManifest next, SharedListing listing)
    {
        var shared = listing.Shared;

        // Declared paths that do not exist yet would be created (with their parent folders) before linking;
        // when shared/ lacks it, the live release's copy seeds it (what production wrote), else the
        // copy the release ships; the release's copy gives way to the link.
        foreach (var (path, isFolder) in settings.Shared.Folders.Select(f => (f, true)).Concat(settings.Shared.Files.Select(f => (f, false))))
        {
            var shipped = Under(next, path, isFolder);
            var wasLive = shared.ContainsKey(path) ? 0 : Under(live, path, isFolder);
            var declared = isFolder ? path + "/" : path;
            if (wasLive > 0)
            {
                host.Log.Info($"  would seed    shared/{path} from the live release ({wasLive} published {(wasLive == 1 ? "entry" : "entries")} and what the app wrote there): {declared} is declared shared, then link it");
            }
            else if (shipped > 0)
            {
                host.Log.Info(shared.ContainsKey(path)
                    ? $"  would keep    shared/{path}: {declared} is declared shared and shared/ has it, so the release's copy is replaced by the link"
                    : $"  would seed    shared/{path} from the release ({shipped} {(shipped == 1 ? "entry" : "entries")}): {declared} is declared shared, then link it");
            }

            var parts = path.Split('/');
            for (var i = 1; i < parts.Length; i++)
            {
                shared.TryAdd(string.Join('/', parts[..i]), true);
            }

            shared.TryAdd(path, isFolder);
        }

        // The new release would hold exactly what is published.
        var release = next.Entries.Where(e => !settings.Shared.Covers(e.Path)).ToDictionary(e => e.Path, e => e.IsDirectory, StringComparer.Ordinal);
        return SharedLinkPlan.Compute(shared, release);
    }

    private static void LogSlots(HostDeploy host, string root, AppSlotSettings slots, string release, CancellationToken cancellationToken)
    {
        // A deploy folder that is not there yet has no slots: the first deploy starts the first one.
        var read = host.Shell.Run(SlotScripts.Read(root, slots.Ports), null, slots.CommandTimeout, cancellationToken);
        var state = SlotState.Parse(read.ExitCode == 0 ? read.Output : string.Empty, slots.Ports);
        var idle = slots.IdlePort(state.Live);
        var port = idle.ToString(CultureInfo.InvariantCulture);
        var serving = state.Live is { } live
            ? $"slot {live.ToString(CultureInfo.InvariantCulture)} ({(state.ReleaseOf(live) is { } r ? "releases/" + r : "its release unknown")}) keeps serving until the flip"
            : "no slot serves yet";
        host.Log.Info($"  would start   releases/{release} in slot {port} ({serving}): {slots.StartCommand}");
        host.Log.Info($"  would check   {slots.HealthUrl(idle).AbsoluteUri} until it answers 2xx (at most {slots.StartTimeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s)");
        host.Log.Info($"  would point   {root}/upstream.conf at 127.0.0.1:{port} and reload the proxy: {slots.ProxyReloadCommand}");
        if (state.Live is { } old)
        {
            host.Log.Info($"  would stop    slot {old.ToString(CultureInfo.InvariantCulture)} after the flip: {slots.StopCommand}");
        }
    }

    private static void LogHooks(SwitchHookSettings hooks, IDeployLog log)
    {
        if (!string.IsNullOrWhiteSpace(hooks.BeforeSwitchCommand))
        {
            log.Info($"  would run before the switch: {hooks.BeforeSwitchCommand}");
        }

        if (!string.IsNullOrWhiteSpace(hooks.AfterSwitchCommand))
        {
            log.Info($"  would run after the switch:  {hooks.AfterSwitchCommand}");
        }

        if (hooks.HealthCheckUrl is not null)
        {
            log.Info($"  would check health at:       {hooks.HealthCheckUrl.AbsoluteUri}");
        }
    }

    /// <summary>How many entries of <paramref name="manifest"/> a declared path holds: those under a folder, or the file itself.</summary>
    private static int Under(ReleaseManifest manifest, string path, bool isFolder) =>
        manifest.Entries.Count(e => isFolder ? e.Path.StartsWith(path + "/", StringComparison.Ordinal) : e.Path == path);
}
