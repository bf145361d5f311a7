using static AtomicDeploy.Core.Remote.ShellQuote;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// Scripts that only read the deploy folder: they take no lock, create nothing and write nothing,
/// so the release list and a dry run leave the server exactly as it was.
/// </summary>
public static class ReadOnlyScripts
{
    /// <summary>Prefix of a history line in <see cref="Inspect"/>'s output.</summary>
    public const string HistoryPrefix = "history ";

    /// <summary>
    /// Prints the state in <see cref="RemoteState.Parse"/>'s format (a missing deploy folder reads as
    /// empty), with every line of <c>log.jsonl</c> prefixed <see cref="HistoryPrefix"/> before the
    /// manifest; the live release's manifest and listing only when <paramref name="withManifest"/>.
    /// </summary>
    public static string Inspect(string root, bool withManifest) => $$"""
        set -u
        cd -- {{Quote(root)}} 2>/dev/null || { printf 'atomicdeploy-state 1\nlive \n'; exit 0; }
        {{RemoteScripts.StateHead}}
        if [ -f .atomicdeploy/log.jsonl ]; then sed 's/^/{{HistoryPrefix}}/' .atomicdeploy/log.jsonl; fi
        [ {{(withManifest ? "yes" : "no")}} = yes ] || exit 0
        {{RemoteScripts.LiveManifest}}
        """;

    /// <summary>
    /// Lists <c>shared/</c> the way <see cref="RemoteScripts.ListShared"/> does, but against the live
    /// release (the new one does not exist in a dry run) and without creating the declared paths:
    /// kind, kind in the live release (<c>-</c> when absent), path, NUL-terminated; before them, the
    /// live release's links to <c>shared/</c> (<see cref="ScriptFragments.LiveSharedLinks"/>) and
    /// <see cref="SharedListingMarker"/>.
    /// </summary>
    public static string ListSharedAgainstLive(string root) => $$"""
        set -u
        cd -- {{Quote(root)}} 2>/dev/null || exit 0
        live=$(readlink current 2>/dev/null || true)
        if [ -n "$live" ] && [ -d "$live" ]; then
        {{ScriptFragments.LiveSharedLinks("\"$live\"")}}
        fi
        printf '{{SharedListingMarker.Replace("\n", "\\n", StringComparison.Ordinal)}}'
        [ -d shared ] || exit 0
        {{ScriptFragments.ListSharedFrontier("\"$live\"")}}
        """;

    /// <summary>The line <see cref="ListSharedAgainstLive"/> prints between the live release's links and the listing of <c>shared/</c>.</summary>
    public const string SharedListingMarker = "atomicdeploy-shared\n";

    /// <summary>
    /// Prints <c>manifest</c>, the manifest of <paramref name="release"/>, <c>listing</c> and what the
    /// release folder really holds (as <see cref="RemoteScripts.LiveManifest"/> does for the live one);
    /// nothing when the release or its manifest is missing.
    /// </summary>
    public static string ReleaseContents(string root, string release) => $$"""
        set -u
        cd -- {{Quote(root)}} || exit 1
        m={{Quote(".atomicdeploy/manifests/" + release + ".json")}}
        r={{Quote("releases/" + release)}}
        [ -f "$m" ] && [ -d "$r" ] || exit 0
        printf 'manifest\n'
        cat -- "$m"
        printf '\nlisting\n'
        find "$r/" -mindepth 1 -printf '%y %s %m %P\0'
        """;
}
