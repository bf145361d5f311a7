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
        var output = Run("compare with the live release", script, null, cancellationToken).Output;
        // The listings' records never equal a marker (each starts with its kinds), so the first two are the parts' ends.
        var first = RecordAt(output, UnchangedScripts.PartMarker, 0);
        var second = first < 0 ? -1 : RecordAt(output, UnchangedScripts.PartMarker, first + 1);
        if (second < 0 || RecordAt(output, UnchangedScripts.Changed, 0) >= 0)
        {
            return false;
        }

        var listing = output.AsSpan(0, first);
        var manifest = LiveReleaseCheck.Effective(_lock.LiveManifest!, listing, out var repaired, _settings.Shared.Covers);
        if (repaired > 0 || !ManifestDiff.Compute(manifest, next).IsEmpty)
        {
            return false;
        }

        var partEnd = UnchangedScripts.PartMarker.Length + 1;
        var wanted = SharedListing.Parse(output[(first + partEnd)..second]).Plan().Links.Select(l => (l.Path, l.Target)).ToHashSet();
        var records = output[(second + partEnd)..].Split('\0');
        var liveLinks = new HashSet<(string Path, string Target)>();
        for (var i = 0; i + 1 < records.Length; i += 2)
        {
            liveLinks.Add((records[i], records[i + 1]));
        }

        if (!wanted.SetEquals(liveLinks))
        {
            // The files are the same: say why a release is made all the same (an app that made its first
            // folder in shared/, say, gets a release that links it, and an after-switch restart).
            var added = wanted.Except(liveLinks).Select(l => l.Path).Order(StringComparer.Ordinal).ToArray();
            var gone = liveLinks.Except(wanted).Select(l => l.Path).Order(StringComparer.Ordinal).ToArray();
            Log.Info($"AtomicDeploy: the publish output matches the live release {live} on {Name}, but its links to shared/ do not: a new release {string.Join(" and ", new[] { added.Length > 0 ? $"links {ServerText.ForLog(AppWrites.Names(added))}" : null, gone.Length > 0 ? $"no longer links {ServerText.ForLog(AppWrites.Names(gone))}" : null }.OfType<string>())}.");
            return false;
        }

        _state = new HostState([live], live, manifest, KeptContent.None);
        return true;
    }

    /// <summary>Where the NUL-terminated record <paramref name="record"/> starts in <paramref name="output"/> at or after <paramref name="from"/>, or -1.</summary>
    private static int RecordAt(string output, string record, int from)
    {
        var terminated = record + "\0";
        for (var at = output.IndexOf(terminated, from, StringComparison.Ordinal); at >= 0; at = output.IndexOf(terminated, at + 1, StringComparison.Ordinal))
        {
            if (at == 0 || output[at - 1] == '\0')
            {
                return at;
            }
        }

        return -1;
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
