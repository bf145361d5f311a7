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
        var script = UnchangedScripts.Check(_settings.Root, live, _settings.Shared, _lock.OwnerLine(_lockOwner));
        var records = Run("compare with the live release", script, null, cancellationToken).Output.Split('\0');
        // The listings' records never equal a marker (each starts with its kinds), so the first two are the parts' ends.
        var first = Array.IndexOf(records, UnchangedScripts.PartMarker);
        var second = first < 0 ? -1 : Array.IndexOf(records, UnchangedScripts.PartMarker, first + 1);
        if (second < 0 || records.Contains(UnchangedScripts.Changed))
        {
            return false;
        }

        var listing = string.Concat(records[..first].Select(r => r + "\0"));
        var manifest = LiveReleaseCheck.Effective(_lock.LiveManifest!, listing, out var repaired, _settings.Shared.Covers);
        if (repaired > 0 || !ManifestDiff.Compute(manifest, next).IsEmpty)
        {
            return false;
        }

        var wanted = SharedListing.Parse(string.Join('\0', records[(first + 1)..second])).Plan().Links.Select(l => (l.Path, l.Target)).ToHashSet();
        var liveLinks = new HashSet<(string Path, string Target)>();
        for (var i = second + 1; i + 1 < records.Length; i += 2)
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
