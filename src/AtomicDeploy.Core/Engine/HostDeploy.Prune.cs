using AtomicDeploy.Core.History;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Engine;

/// <summary>Step 5 on one host: the prune, which never deletes a release that may still be needed.</summary>
public sealed partial class HostDeploy
{
    /// <summary>
    /// Deletes the releases <see cref="PrunePlan"/> gives up, keeping the newest good ones, the new
    /// release, the one live before this deploy (the rollback target) and every release a process of
    /// the deploy user runs from; then releases the lock, whose command then deletes them.
    /// </summary>
    internal IReadOnlyList<string> Prune(CancellationToken cancellationToken)
    {
        // The switch script ran the survey (one round trip less); a switch that did not, or a prune of its own, asks now.
        var survey = (_pruneSurvey ?? Run("look for releases in use", PruneScripts.Survey(_settings.Root), null, cancellationToken).Output).Split('\n');
        var failed = FailedReleases(survey);
        var kept = new List<string> { Release! };
        if (PreviousRelease is { } previous)
        {
            kept.Add(previous);
        }

        // The survey ran at the switch, before the after-switch command restarts the app: the process it
        // saw in the release live before is not news, that release is kept anyway.
        foreach (var (pid, release, command) in InUse(survey).Where(u => u.Release != PreviousRelease))
        {
            kept.Add(release);
            Log.Info($"AtomicDeploy: release {release} is kept: process {pid} ({ServerText.OneLine(command)}) runs from it.");
        }

        var doomed = PrunePlan.ReleasesToDelete(_state.Releases.Append(Release!), failed, kept, _settings.Keep);
        // Nothing to delete and nothing an earlier prune left (a first deploy, fewer releases than
        // kept): no script, a round trip less.
        var leftover = survey.Contains(PruneScripts.TrashLine, StringComparer.Ordinal);
        // The releases leave releases/ now; the lock's command deletes them once this deploy has ended,
        // unless an earlier prune left something, which is deleted (and reported) now.
        var output = doomed.Count == 0 && !leftover ? string.Empty : Run("prune old releases", PruneScripts.Delete(_settings.Root, doomed, deleteNow: leftover), null, cancellationToken).Output;
        ReleaseLock();
        Pruned = doomed;
        if (doomed.Count > 0)
        {
            var failedOnes = doomed.Where(failed.Contains).ToArray();
            Log.Info($"AtomicDeploy: pruned {string.Join(", ", doomed)} (keeping {_settings.Keep} good releases{(failedOnes.Length > 0 ? $"; failed: {string.Join(", ", failedOnes)}" : string.Empty)}).");
        }

        foreach (var line in output.Split('\n').Where(l => l.StartsWith(PruneScripts.TrashLeftPrefix, StringComparison.Ordinal)))
        {
            var left = ServerText.OneLine(line[PruneScripts.TrashLeftPrefix.Length..]);
            Log.Warning(ErrorCodes.PruneIncomplete, $"A pruned release in {Where} is out of releases/ (no rollback can choose it) but could not be deleted completely, so it still takes space in {_settings.Root}/{PruneScripts.TrashFolder}: {left}. Make what is left deletable by the deploy user (chown -R, chmod -R u+w); the next deploy deletes it.");
        }

        return doomed;
    }

    /// <summary>The releases whose last deploy line in the history says failed.</summary>
    private static HashSet<string> FailedReleases(IEnumerable<string> survey)
    {
        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in survey.Where(l => l.StartsWith(PruneScripts.HistoryPrefix, StringComparison.Ordinal)))
        {
            if (DeployRecord.TryParse(line[PruneScripts.HistoryPrefix.Length..]) is { Event: "deploy", Release: { } release } record)
            {
                last[release] = record.Outcome;
            }
        }

        return last.Where(r => r.Value == "failed").Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The survey's in-use lines: process id, release, command line.</summary>
    private static IEnumerable<(string Pid, string Release, string Command)> InUse(IEnumerable<string> survey)
    {
        foreach (var line in survey.Where(l => l.StartsWith(PruneScripts.InUsePrefix, StringComparison.Ordinal)))
        {
            var parts = line[PruneScripts.InUsePrefix.Length..].Split(' ', 3);
            if (parts.Length >= 2 && parts[0].All(char.IsAsciiDigit) && ReleaseName.IsReleaseName(parts[1]))
            {
                yield return (parts[0], parts[1], parts.Length == 3 ? parts[2].TrimEnd() : string.Empty);
            }
        }
    }
}
