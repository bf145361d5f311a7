using System.Globalization;
using AtomicDeploy.Core.Planning;
using static AtomicDeploy.Core.Remote.ShellQuote;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// The scripts of a deploy in which nothing changed: one that tells whether the new release would get
/// the same shared links as the live one, and one that removes the new release again so the deploy
/// folder is left as it was before the deploy.
/// </summary>
public static class UnchangedScripts
{
    /// <summary>Separates the shared listing from the live release's links in the output of <see cref="ListLinks"/>.</summary>
    public const string LiveLinksMarker = "atomicdeploy-live-links";

    /// <summary>
    /// Prints what <see cref="RemoteScripts.ListShared"/> prints for <paramref name="release"/>, then
    /// <see cref="LiveLinksMarker"/>, then each symlink of the live release as its path and target, all
    /// NUL-terminated: the links the new release would get, and the links the live one has.
    /// </summary>
    public static string ListLinks(string root, string release, string live, SharedPathList shared) =>
        RemoteScripts.ListShared(root, release, shared) + string.Create(CultureInfo.InvariantCulture, $"""
            printf '\0%s\0' {LiveLinksMarker}
            find {Quote("releases/" + live)} -type l -printf '%P\0%l\0'

            """);

    /// <summary>
    /// Removes <paramref name="release"/>, just made by this deploy and never live, with its pending
    /// mark, and writes no history line: the deploy folder is as it was before the deploy.
    /// </summary>
    public static string Discard(string root, string release) => $"""
        set -eu
        cd -- {Quote(root)}
        if [ "$(readlink current 2>/dev/null || true)" != {Quote("releases/" + release)} ]; then
        {ScriptFragments.RemoveRelease(ScriptFragments.Release(release))}
        fi
        rm -f -- {Quote(PendingRelease.MarkerPath(release))}

        """;
}
