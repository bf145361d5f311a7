using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Engine;

/// <summary>What a host's deploy folder held when the deploy read it under the lock.</summary>
/// <param name="Releases">The releases there.</param>
/// <param name="Live">The release <c>current</c> points at, or null.</param>
/// <param name="LiveManifest">What the live release holds (its manifest, checked against its listing).</param>
/// <param name="Kept">The content of the kept releases, by hash, that an upload may reuse.</param>
/// <param name="Recorded">The live release's manifest as the server holds it, when the server can check the new one rebuilt from it (it has <c>sha256sum</c>): the new one is then sent as edits of it; otherwise null.</param>
internal sealed record HostState(IReadOnlyList<string> Releases, string? Live, ReleaseManifest LiveManifest, KeptContent Kept, ReleaseManifest? Recorded = null)
{
    /// <summary>Nothing read yet.</summary>
    public static HostState None { get; } = new([], null, ReleaseManifest.Empty, KeptContent.None);

    /// <summary>The state from the state query's output, with a warning or a line for what looks wrong; published entries under <paramref name="shared"/> paths are linked, not missing.</summary>
    public static HostState From(RemoteState state, string where, IDeployLog log, SharedPathList? shared = null)
    {
        if (state.CurrentLink.Length > 0 && state.LiveRelease is null)
        {
            log.Warning(ErrorCodes.RemoteStateInvalid, $"current in {where} points at '{ServerText.OneLine(state.CurrentLink)}', not at a release of this tool; the new release is made from scratch and current will be switched to it.");
        }

        var manifest = ReleaseManifest.Empty;
        if (state.RecordedManifest is not null)
        {
            manifest = LiveReleaseCheck.Effective(state.RecordedManifest, state.LiveListing, out var repaired, shared is null ? null : shared.Covers);
            if (repaired > 0)
            {
                log.Info($"AtomicDeploy: {repaired} entries of the live release {state.LiveRelease} differ from its manifest (missing, changed, or not published); the new release gets the published ones.");
            }
        }

        var kept = state.KeptElsewhere is { } elsewhere ? KeptContent.Of(state.LiveRelease, manifest, elsewhere) : KeptContent.None;
        // A server that cannot hash (no sha256sum, so no kept content either) would refuse every delta.
        return new HostState(state.Releases, state.LiveRelease, manifest, kept, state.KeptElsewhere is null ? null : state.RecordedManifest);
    }

    /// <summary>The release the new one is copied from: the live one, when it has a manifest.</summary>
    public string? CopyFrom => Live is not null && LiveManifest.Entries.Count > 0 ? Live : null;

    /// <summary>The manifest the server holds that the new one can be written as edits of, or null.</summary>
    public ManifestBase? ManifestBasis => Live is not null && Recorded is not null ? new ManifestBase(Live, Recorded) : null;
}
