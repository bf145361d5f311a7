using static AtomicDeploy.Core.Remote.ShellQuote;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// Marks a release as unfinished from its creation until the switch: a file
/// <c>.atomicdeploy/pending/NAME</c> holding the history line of its failure. A deploy killed
/// before its switch cannot clean up after itself; the next deploy, once it holds the lock, removes
/// every marked release that is not live and appends its failure line to the history, so a
/// half-made release is never left behind and never taken for a finished one.
/// </summary>
public static class PendingRelease
{
    /// <summary>The mark of <paramref name="release"/>, relative to the deploy folder.</summary>
    public static string MarkerPath(string release) => ".atomicdeploy/pending/" + release;

    /// <summary>Marks <paramref name="release"/> as unfinished (run before the release is created).</summary>
    public static string Mark(string root, string release, string failureLine) => $"""
        mkdir -p -- {Quote(root)}/.atomicdeploy/pending
        printf '%s\n' {Quote(failureLine)} | cat > {Quote(root + "/" + MarkerPath(release))}

        """;

    /// <summary>Marks <paramref name="release"/> as finished (run once <c>current</c> points at it, or once it is removed).</summary>
    public static string Clear(string root, string release) =>
        $"\nrm -f -- {Quote(root + "/" + MarkerPath(release))}\n";

    /// <summary>
    /// Shell lines, run in the deploy folder under the lock: remove each marked release that
    /// <c>current</c> does not point at (folders made writable first, as in an abort), record its
    /// failure, and print <c>leftover NAME</c>.
    /// </summary>
    public static string CleanUp => $$"""
        live=$(readlink current 2>/dev/null || true)
        for marker in .atomicdeploy/pending/*; do
          [ -f "$marker" ] || continue
          r=${marker##*/}
          if [ "$live" != "releases/$r" ]; then
        {{ScriptFragments.RemoveRelease("\"$r\"")}}
            ( {{ScriptFragments.AppendToHistory("cat -- \"$marker\"; ")}}) || true
            printf 'leftover %s\n' "$r"
          fi
          rm -f -- "$marker"
        done
        """;
}
