using System.Globalization;
using System.Text;
using static AtomicDeploy.Core.Remote.ShellQuote;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// The prune step's two scripts: a survey of what must not be deleted, then the deletion, which takes
/// each release out of <c>releases/</c> with one rename before deleting it.
/// </summary>
public static class PruneScripts
{
    /// <summary>Prefix of a history line in <see cref="Survey"/>'s output.</summary>
    public const string HistoryPrefix = "history ";

    /// <summary>Prefix of a line of <see cref="Survey"/>'s output naming a release in use: pid, release, command line.</summary>
    public const string InUsePrefix = "inuse ";

    /// <summary>The line of <see cref="Survey"/>'s output that says an earlier prune left something in <see cref="TrashFolder"/> (no name: a name could hold a line break).</summary>
    public const string TrashLine = "trash";

    /// <summary>Prefix of a line of <see cref="Delete"/>'s output naming a release that left <c>releases/</c> but could not be deleted.</summary>
    public const string TrashLeftPrefix = "trash-left ";

    /// <summary>Where pruned releases wait to be deleted, relative to the deploy folder.</summary>
    public const string TrashFolder = ".atomicdeploy/trash";

    /// <summary>
    /// Prints the history (each line prefixed <see cref="HistoryPrefix"/>) and, for every process the
    /// deploy user can see whose working folder, executable or a mapped file is in a release, one
    /// line <see cref="InUsePrefix"/><c>PID RELEASE COMMAND</c>. One <c>find</c> and one <c>grep</c>
    /// over <c>/proc</c>, not a loop of commands per process. Then the line <c>trash</c> when an
    /// earlier prune left something it could not delete, so a prune with nothing to delete and nothing
    /// left over needs no script of its own.
    /// </summary>
    public static string Survey(string root) => $$"""
        set -u
        cd -- {{Quote(root)}} || exit 1
        if [ -f {{ScriptFragments.HistoryFile}} ]; then sed 's/^/{{HistoryPrefix}}/' {{ScriptFragments.HistoryFile}}; fi
        for t in {{TrashFolder}}/*; do
          if [ -e "$t" ]; then printf '{{TrashLine}}\n'; break; fi
        done
        base="$(pwd -P)/releases/"
        {
          find /proc/[0-9]*/cwd /proc/[0-9]*/exe -maxdepth 0 -printf '%h %l\n' 2>/dev/null
          grep -F -- "$base" /proc/[0-9]*/maps 2>/dev/null | sed 's|^\(/proc/[0-9]*\)/maps:[^/]*|\1 |'
        } | awk -v base="$base" '{
          pid = substr($1, 7); path = substr($0, length($1) + 2)
          if (index(path, base) != 1) next
          name = substr(path, length(base) + 1); sub(/\/.*/, "", name); sub(/ \(deleted\)$/, "", name)
          if (length(name) == 14 && name !~ /[^0-9]/ && !seen[pid " " name]++) print pid, name
        }' | while read -r pid name; do
          printf '{{InUsePrefix}}%s %s %s\n' "$pid" "$name" "$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | head -c 200)"
        done
        exit 0
        """;

    /// <summary>The line that starts <see cref="SurveyAfterTheSwitch"/>'s output.</summary>
    public const string SurveyMarker = "atomicdeploy-prune-survey";

    /// <summary>The line that ends <see cref="SurveyAfterTheSwitch"/>'s output, printed only when the survey finished.</summary>
    public const string SurveyEndMarker = "atomicdeploy-prune-survey-end";

    /// <summary>
    /// Shell lines that end the switch script: <see cref="Survey"/>, bounded by <c>timeout</c> where
    /// the server has it and unable to fail the switch; only when it finished, its output between
    /// <see cref="SurveyMarker"/> and <see cref="SurveyEndMarker"/>, so a survey that failed or hung
    /// (a process stuck in the kernel) is asked again by the prune, never taken as "nothing in use".
    /// The prune then needs one round trip, not two. Under the lock nothing it reads changes before
    /// the prune, but for a process started from an old release in that time.
    /// </summary>
    public static string SurveyAfterTheSwitch(string root) => $"""

        t=; if command -v timeout >/dev/null 2>&1; then t='timeout 20'; fi
        if survey=$($t sh -c {Quote(Survey(root))} 2>/dev/null); then printf '%s\n%s\n%s\n' '{SurveyMarker}' "$survey" '{SurveyEndMarker}'; fi

        """;

    /// <summary>What <see cref="SurveyAfterTheSwitch"/> printed in <paramref name="output"/>, or null when it did not finish.</summary>
    public static string? SurveyIn(string output)
    {
        var start = output.IndexOf(SurveyMarker + "\n", StringComparison.Ordinal);
        var end = output.LastIndexOf("\n" + SurveyEndMarker + "\n", StringComparison.Ordinal);
        return start < 0 || end < start + SurveyMarker.Length ? null : output[(start + SurveyMarker.Length + 1)..(end + 1)];
    }

    /// <summary>
    /// Moves each release in <paramref name="releases"/> (never the one <c>current</c> points at) to
    /// <see cref="TrashFolder"/> with one rename and drops its manifest, so a release is either whole
    /// in <c>releases/</c> or gone from it. With <paramref name="deleteNow"/> (an earlier prune left
    /// something there) it then deletes everything in the trash, printing <see cref="TrashLeftPrefix"/>
    /// and the name of what could not be deleted; without, the deploy lock's command deletes it once
    /// the deploy has ended (<see cref="DeployLock.Script"/>), so no deploy waits for a tree's removal.
    /// </summary>
    public static string Delete(string root, IEnumerable<string> releases, bool deleteNow = true)
    {
        var script = new StringBuilder("set -eu\n").Append(CultureInfo.InvariantCulture, $"""
            cd -- {Quote(root)}
            live=$(readlink current 2>/dev/null || true)
            mkdir -p {TrashFolder}

            """);
        foreach (var release in releases)
        {
            var folder = Quote("releases/" + release);
            script.Append(CultureInfo.InvariantCulture, $"""
                if [ "$live" != {folder} ] && [ -d {folder} ]; then
                  chmod u+rwx {folder} 2>/dev/null || true
                  rm -rf -- {Quote(TrashFolder + "/" + release)} 2>/dev/null || true
                  mv -T -- {folder} {Quote(TrashFolder + "/" + release)}
                  rm -f -- {Quote(".atomicdeploy/manifests/" + release + ".json")}
                fi

                """);
        }

        return (deleteNow ? script.Append(DeleteTrash(report: true)) : script).ToString();
    }

    /// <summary>
    /// Shell lines, run in the deploy folder, that delete everything in <see cref="TrashFolder"/>:
    /// first as it is, then, where that left something (a folder without write or search permission
    /// for the deploy user), once more with the folders made writable. With <paramref name="report"/>,
    /// a line <see cref="TrashLeftPrefix"/> with the name and a path of what is still left. The
    /// commands do not inherit descriptor 9 (the lock's, when the lock's command runs these lines), so
    /// stopping the shell that holds the lock frees it at once.
    /// </summary>
    internal static string DeleteTrash(bool report) => $$"""
        for t in {{TrashFolder}}/*; do
          [ -e "$t" ] || continue
          rm -rf -- "$t" 2>/dev/null 9>&- && continue
          find "$t" -type d ! -perm -u+rwx -exec chmod u+rwx {} \; 2>/dev/null 9>&- || true
          rm -rf -- "$t" 2>/dev/null 9>&- || {{(report ? ReportLeft : "true")}}
        done

        """;

    /// <summary>The line that names what is left of trash entry <c>$t</c>.</summary>
    private const string ReportLeft = $$"""
        printf '{{TrashLeftPrefix}}%s %s\n' "${t##*/}" "$(find "$t" -depth -mindepth 1 -print -quit 2>/dev/null | head -c 300)"
        """;
}
