using System.Globalization;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Operations;

/// <summary>What a dry run is asked to plan: the same inputs as a deploy.</summary>
/// <param name="SourceDir">The folder that would be deployed.</param>
/// <param name="Include">Which files of it would be deployed (null: all).</param>
/// <param name="SharedPaths">The declared shared paths.</param>
/// <param name="Keep">Releases that would be kept.</param>
/// <param name="AppVersion">The app's version, for the downgrade guard.</param>
/// <param name="AllowDowngrade">Whether a lower version may be deployed.</param>
/// <param name="Hooks">The commands and health check that would run.</param>
public sealed record DryRunRequest(string SourceDir, Func<string, FileInfo, bool>? Include, IReadOnlyList<string> SharedPaths, int Keep, string? AppVersion, bool AllowDowngrade, SwitchHookSettings Hooks);

/// <summary>
/// Connects, reads, and prints what a deploy would do — files added, changed and removed, bytes to
/// send, shared links, releases pruned — with read-only scripts only: no lock, no layout, no writes.
/// </summary>
public static class DryRun
{
    /// <summary>Plans a deploy of <paramref name="request"/> to <paramref name="root"/> and logs the plan.</summary>
    public static void Run(IRemoteShell shell, string root, DryRunRequest request, IDeployLog log, TimeSpan timeout, TimeSpan elapsedBefore, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var where = $"{root} on {shell.Name}";
        var inspection = ServerInspection.Read(shell, root, withManifest: true, timeout, cancellationToken);
        DowngradeGuard.Check(request.AppVersion, inspection.History, request.AllowDowngrade, where);
        var state = inspection.State;
        var live = state.RecordedManifest is null ? ReleaseManifest.Empty : LiveReleaseCheck.Effective(state.RecordedManifest, state.LiveListing, out _);
        var next = PublishFolderScanner.Scan(request.SourceDir, request.Include, log, cancellationToken);
        var diff = ManifestDiff.Compute(live, next);
        log.Info($"AtomicDeploy (dry run): {next.FileCount} files published; would send {diff.FilesAdded} added and {diff.FilesChanged} changed ({DeploySession.Format(diff.BytesToSend)} before compression), remove {diff.Removed.Count}, keep {diff.Unchanged} unchanged.");
        foreach (var (verb, path) in diff.Files())
        {
            log.Info($"  would {verb,-7} {path}");
        }

        DatabaseFiles.Warn(next.Entries.Where(e => !e.IsDirectory).Select(e => e.Path), request.SharedPaths, log);
        var links = PlanLinks(shell, root, request.SharedPaths, next, timeout, cancellationToken);
        foreach (var link in links.Links)
        {
            log.Info($"  would link    {link.Path} -> {link.Target}");
        }

        var release = ReleaseName.Next(started, state.Releases);
        var pruned = PrunePlan.ReleasesToDelete(state.Releases.Append(release), release, request.Keep);
        LogHooks(request.Hooks, log);
        log.Summary(string.Create(CultureInfo.InvariantCulture,
            $"AtomicDeploy: DRY RUN, nothing was changed: would deploy release {release} to {root} on {shell.Name} " +
            $"({diff.FilesAdded} added, {diff.FilesChanged} changed, {diff.Removed.Count} removed, {DeploySession.Format(diff.BytesToSend)} to send, " +
            $"{links.Links.Count} shared links, {(pruned.Count == 0 ? "nothing pruned" : "would prune " + string.Join(", ", pruned))}) in {(elapsedBefore + (DateTime.UtcNow - started)).TotalSeconds:0.00} s."));
    }

    private static SharedLinkPlan PlanLinks(IRemoteShell shell, string root, IReadOnlyList<string> sharedPaths, ReleaseManifest next, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = shell.Run(ReadOnlyScripts.ListSharedAgainstLive(root), null, timeout, cancellationToken);
        var shared = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var record in result.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(r => r.Length >= 3))
        {
            shared[record[2..]] = record[0] == 'd';
        }

        // Declared paths that do not exist yet would be created (with their parent folders) before linking.
        var declared = SharedPathList.Parse(sharedPaths);
        foreach (var (path, isFolder) in declared.Folders.Select(f => (f, true)).Concat(declared.Files.Select(f => (f, false))))
        {
            var parts = path.Split('/');
            for (var i = 1; i < parts.Length; i++)
            {
                shared.TryAdd(string.Join('/', parts[..i]), true);
            }

            shared.TryAdd(path, isFolder);
        }

        // The new release would hold exactly what is published.
        var release = next.Entries.ToDictionary(e => e.Path, e => e.IsDirectory, StringComparer.Ordinal);
        return SharedLinkPlan.Compute(shared, release);
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
}
