using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Planning;

namespace AtomicDeploy.Core.Remote;

/// <summary>What <see cref="RemoteScripts.ReadState"/> found in the deploy folder.</summary>
/// <param name="CurrentLink">Where <c>current</c> points, or empty when there is none.</param>
/// <param name="LiveRelease">The release <c>current</c> points at, when it is one of this tool's.</param>
/// <param name="Releases">The release folders.</param>
/// <param name="RecordedManifest">The live release's manifest, if it has one.</param>
/// <param name="LiveListing">What the live release really holds (<c>find -printf</c> records).</param>
public sealed record RemoteState(string CurrentLink, string? LiveRelease, IReadOnlyList<string> Releases, ReleaseManifest? RecordedManifest, string LiveListing)
{
    /// <summary>Marker of the part <see cref="RemoteScripts.KeptFiles"/> prints, at the end of the state.</summary>
    public const string KeptMarker = "\natomicdeploy-kept\n";

    /// <summary>What the state prints in place of the live release's manifest when the caller has it already.</summary>
    public const string KnownManifest = "(known)";

    private const string Header = "atomicdeploy-state 1\n";
    private const string ManifestMarker = "\nmanifest\n";
    private const string ListingMarker = "\nlisting\n";

    /// <summary>
    /// The files of the other kept releases whose content the live one does not have, when the host
    /// can check a hash (<see cref="RemoteScripts.KeptFiles"/>); null when it cannot or was not asked.
    /// </summary>
    public IReadOnlyList<KeptFile>? KeptElsewhere { get; init; }

    /// <summary>
    /// Parses the script's output; <paramref name="where"/> names the target in messages;
    /// <paramref name="known"/> is the live manifest when the script left it out (<see cref="KnownManifest"/>).
    /// </summary>
    public static RemoteState Parse(string output, string where, ReleaseManifest? known = null)
    {
        var keptAt = output.LastIndexOf(KeptMarker, StringComparison.Ordinal);
        if (keptAt >= 0)
        {
            return Parse(output[..keptAt], where, known) with { KeptElsewhere = KeptFileLines.Parse(output[(keptAt + KeptMarker.Length)..]) };
        }

        var start = output.StartsWith(Header, StringComparison.Ordinal) ? 0 : output.IndexOf("\n" + Header, StringComparison.Ordinal) + 1;
        output = output[start..];
        if (!output.StartsWith(Header, StringComparison.Ordinal))
        {
            throw new DeployException(ErrorCodes.RemoteStateInvalid, $"{where} answered the state query with something unexpected. Check that /bin/sh there is a POSIX shell.");
        }

        var manifestAt = output.IndexOf(ManifestMarker, StringComparison.Ordinal);
        var link = string.Empty;
        var releases = new List<string>();
        foreach (var line in (manifestAt < 0 ? output : output[..manifestAt]).Split('\n').Skip(1))
        {
            if (line.StartsWith("release ", StringComparison.Ordinal) && ReleaseName.IsReleaseName(line[8..]))
            {
                releases.Add(line[8..]);
            }
            else if (line.StartsWith("live ", StringComparison.Ordinal))
            {
                link = line[5..];
            }
        }

        if (link == "(not a symlink)")
        {
            throw new DeployException(ErrorCodes.RemoteStateInvalid, $"current on {where} is a real folder or file, not a symlink. Move it away once (for example to current.old), then deploy again.");
        }

        var name = link.StartsWith("releases/", StringComparison.Ordinal) ? link[9..] : null;
        var live = ReleaseName.IsReleaseName(name) ? name : null;
        if (manifestAt < 0 || live is null)
        {
            return new RemoteState(link, live, releases, null, string.Empty);
        }

        var body = output[(manifestAt + ManifestMarker.Length)..];
        var listingAt = body.IndexOf(ListingMarker, StringComparison.Ordinal);
        var json = listingAt < 0 ? body : body[..listingAt];
        return new RemoteState(
            link,
            live,
            releases,
            json == KnownManifest && known is not null ? known : ReleaseManifest.Parse(json),
            listingAt < 0 ? string.Empty : body[(listingAt + ListingMarker.Length)..]);
    }
}
