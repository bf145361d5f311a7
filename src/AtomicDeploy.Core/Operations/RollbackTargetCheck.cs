using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Operations;

/// <summary>
/// Refuses to make live a release that does not hold what its manifest lists: a release a failed
/// delete (or a hand) gutted would serve errors. Cheap: the manifest against one listing of the
/// folder, as the deploy checks the live release; files the app added are not a reason to refuse.
/// What the release reaches through a symlink (a shared path: the publish's copy was seeded into
/// <c>shared/</c> and the release links there) is not its own to hold.
/// </summary>
public static class RollbackTargetCheck
{
    private const string ManifestMarker = "manifest\n";
    private const string ListingMarker = "\nlisting\n";

    /// <summary>Throws <see cref="ErrorCodes.RollbackTargetDamaged"/> when <paramref name="release"/> on <paramref name="host"/> lacks its manifest or differs from it.</summary>
    public static void Check(HostDeploy host, string root, string release, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var output = RemoteCommand.Run(host.Shell, $"read releases/{release}", host.Where, ReadOnlyScripts.ReleaseContents(root, release), null, timeout, cancellationToken).Output;
        var listingAt = output.IndexOf(ListingMarker, StringComparison.Ordinal);
        if (!output.StartsWith(ManifestMarker, StringComparison.Ordinal) || listingAt < 0)
        {
            throw Damaged(host, release, "it has no manifest (.atomicdeploy/manifests), so what it should hold is unknown");
        }

        var recorded = ReleaseManifest.Parse(output[ManifestMarker.Length..listingAt]);
        var onDisk = LiveReleaseCheck.Listing(output.AsSpan(listingAt + ListingMarker.Length));
        var links = onDisk.Where(f => f.Value.IsLink).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        var wrong = recorded.Entries
            .Where(e => !ThroughLink(e.Path, links))
            .Where(e => !onDisk.TryGetValue(e.Path, out var found) || found.IsDirectory != e.IsDirectory || (!e.IsDirectory && found.Size != e.Size))
            .Select(e => e.Path)
            .ToArray();
        if (wrong.Length > 0)
        {
            throw Damaged(host, release, $"{wrong.Length} of the {recorded.Entries.Count} entries its manifest lists are missing or changed, e.g. {ServerText.OneLine(string.Join(", ", wrong.Take(5)))}");
        }
    }

    /// <summary>Whether <paramref name="path"/> is one of <paramref name="links"/> or lies under one.</summary>
    private static bool ThroughLink(string path, HashSet<string> links)
    {
        for (var end = path.Length; end > 0; end = path.LastIndexOf('/', end - 1))
        {
            if (links.Contains(path[..end]))
            {
                return true;
            }
        }

        return false;
    }

    // The rollback's step ends the error with Deployment.NothingChanged, after every host's message.
    private static DeployException Damaged(HostDeploy host, string release, string why) =>
        new(ErrorCodes.RollbackTargetDamaged,
            $"Release {release} in {host.Where} is not made live: {why}. Roll back to another release with AtomicDeployRollbackTo (list them with -t:AtomicDeployReleases), or deploy that version again.");
}
