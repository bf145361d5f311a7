using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Engine;

/// <summary>The deploy on one host when nothing changed: the check, and leaving the host as it was.</summary>
public sealed partial class HostDeploy
{
    /// <summary>
    /// Whether <paramref name="next"/> may be the live release again, from what the lock's channel
    /// read alone: there is a live release with a manifest, and no file or folder to add, change or
    /// remove against it. Asks the server nothing.
    /// </summary>
    internal bool MayBeUnchanged(ReleaseManifest next) =>
        _lock?.LiveHistory.Live?.Name is not null && _lock.LiveManifest is { } recorded && ManifestDiff.Compute(recorded, next).IsEmpty;

    /// <summary>
    /// Whether the new release would be the live one again, asked of the server without changing
    /// anything (<see cref="UnchangedScripts.Check"/>, one round trip): what the live release really
    /// holds matches <paramref name="next"/>, every declared shared path is in place, and a copy of it
    /// would get the same shared links. Call only when <see cref="MayBeUnchanged"/>.
    /// </summary>
    internal bool IsUnchanged(ReleaseManifest next, CancellationToken cancellationToken)
    {
        var live = _lock!.LiveHistory.Live!.Name;
        var output = Run("compare with the live release", UnchangedScripts.Check(_settings.Root, live, _settings.Shared), null, cancellationToken).Output;
        var parts = output.Split(UnchangedScripts.PartMarker + "\0");
        if (parts.Length != 3 || parts[0].Split('\0').Contains(UnchangedScripts.DeclaredMissing))
        {
            return false;
        }

        var manifest = LiveReleaseCheck.Effective(_lock.LiveManifest!, parts[0], out var repaired, _settings.Shared.Covers);
        if (repaired > 0 || !ManifestDiff.Compute(manifest, next).IsEmpty)
        {
            return false;
        }

        var wanted = SharedListing.Parse(parts[1]).Plan().Links.Select(l => (l.Path, l.Target)).ToHashSet();
        var records = parts[2].Split('\0');
        var liveLinks = new HashSet<(string Path, string Target)>();
        for (var i = 0; i + 1 < records.Length; i += 2)
        {
            liveLinks.Add((records[i], records[i + 1]));
        }

        if (!wanted.SetEquals(liveLinks))
        {
            return false;
        }

        _state = new HostState([live], live, manifest, KeptContent.None);
        return true;
    }

    /// <summary>
    /// Leaves the host as it was (no release was made, no history line is written) and releases the
    /// lock, with its live release reported as this deploy's.
    /// </summary>
    internal void LeaveUnchanged(ReleaseManifest next)
    {
        Diff = PlanUpload(next);
        Release = PreviousRelease;
        ReleaseLock();
        End("unchanged");
    }
}
