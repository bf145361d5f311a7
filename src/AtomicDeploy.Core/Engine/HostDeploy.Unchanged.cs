using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Engine;

/// <summary>The deploy on one host when nothing changed: the check, and leaving the host as it was.</summary>
public sealed partial class HostDeploy
{
    /// <summary>
    /// Whether the new release would be the live one again: no file or folder to add, change or
    /// remove, and the same shared links (the declared shared paths are created if missing, as the
    /// link step would). False on a first deploy.
    /// </summary>
    internal bool IsUnchanged(ReleaseManifest next, CancellationToken cancellationToken)
    {
        var diff = PlanUpload(next);
        if (PreviousRelease is not { } live || Release is null || diff.ToSend.Count > 0 || diff.ToDelete.Count > 0)
        {
            return false;
        }

        var output = Run("compare the shared links", UnchangedScripts.ListLinks(_settings.Root, Release, live, _settings.Shared), null, cancellationToken).Output;
        var records = output.Split('\0');
        var marker = Array.LastIndexOf(records, UnchangedScripts.LiveLinksMarker);
        if (marker < 0)
        {
            return false;
        }

        var wanted = SharedListing.Parse(string.Join('\0', records[..marker])).Plan().Links.Select(l => (l.Path, l.Target)).ToHashSet();
        var liveLinks = new HashSet<(string Path, string Target)>();
        for (var i = marker + 1; i + 1 < records.Length; i += 2)
        {
            liveLinks.Add((records[i], records[i + 1]));
        }

        return wanted.SetEquals(liveLinks);
    }

    /// <summary>
    /// Removes the new release again (no history line) and releases the lock: the host is left as it
    /// was, with its live release reported as this deploy's.
    /// </summary>
    internal void LeaveUnchanged(ReleaseManifest next, CancellationToken cancellationToken)
    {
        Run("remove the unneeded release", UnchangedScripts.Discard(_settings.Root, Release!), null, cancellationToken);
        Diff = PlanUpload(next);
        Release = PreviousRelease;
        ReleaseLock();
        End("unchanged");
    }
}
