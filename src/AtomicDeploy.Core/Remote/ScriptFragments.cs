using static AtomicDeploy.Core.Remote.ShellQuote;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// Shell lines that several scripts need, each written once. They run in the deploy folder. A
/// fragment that works on a release takes it as a shell word: a quoted name
/// (<see cref="Release(string)"/>) or a variable such as <c>"$r"</c>, already checked to be 14 digits.
/// Every fragment ends with a newline, so fragments can be joined as they are.
/// </summary>
public static class ScriptFragments
{
    /// <summary>The history file, relative to the deploy folder.</summary>
    public const string HistoryFile = ".atomicdeploy/log.jsonl";

    /// <summary>A release name as a quoted shell word.</summary>
    public static string Release(string name) => Quote(name);

    /// <summary>
    /// Removes a half-made release and what belongs to it (manifest, temporary link, deletion and reuse lists).
    /// Its folders are made writable first so it always goes; only folders, as its files may be hard
    /// links shared with the live release.
    /// </summary>
    public static string RemoveRelease(string release) => $$"""
        if [ -d releases/{{release}} ]; then find releases/{{release}} -type d ! -perm -u+rwx -exec chmod u+rwx {} \; 2>/dev/null || true; fi
        rm -rf -- releases/{{release}} .atomicdeploy/manifests/{{release}}.json .atomicdeploy/manifests/{{release}}.json.tmp .atomicdeploy/manifests/{{release}}.delta .current.{{release}}.tmp .atomicdeploy/deletions.{{release}} .atomicdeploy/reuse.{{release}} .atomicdeploy/reuse.{{release}}.*

        """;

    /// <summary>
    /// Makes release <paramref name="to"/> a copy of release <paramref name="from"/>: hard links or a
    /// full copy, without the shared links (they are made again for the new release).
    /// </summary>
    public static string CopyRelease(string from, string to, CopyMode mode) => $$"""
        cp {{(mode == CopyMode.HardLink ? "-al" : "-a")}} -- releases/{{from}} releases/{{to}}
        find releases/{{to}} -type l -exec rm -f -- {} +

        """;

    /// <summary>
    /// Prints a line per symlink in <paramref name="releaseFolder"/> whose target exists (the links to
    /// <c>shared/</c> a deploy made): <see cref="Planning.LiveSharedLink.Word"/>, the target's kind
    /// (<c>d</c> for a folder), a space, the target, a tab, the path. <see cref="Planning.LiveSharedLink.FromLine"/>
    /// keeps those whose target is the one this tool gives their path. A link whose path or target
    /// holds a line break (CR or LF) is left out: the output is read line by line (the lock's channel
    /// says more than links), and such a name could forge a line; this tool never makes one.
    /// </summary>
    public static string LiveSharedLinks(string releaseFolder) => $$"""
        lf=$(printf '\n_'); lf=${lf%_}; cr=$(printf '\r')
        find {{releaseFolder}}/ -mindepth 1 -type l ! -xtype l ! -path "*$lf*" ! -path "*$cr*" ! -lname "*$lf*" ! -lname "*$cr*" -printf 'link %Y %l\t%P\n' 2>/dev/null || true

        """;

    /// <summary>Appends <paramref name="lines"/> (one JSON record each) to the history, each ended by a newline (see <see cref="AppendToHistory"/>).</summary>
    public static string AppendHistory(params string[] lines) => lines.Length == 0 ? string.Empty :
        AppendToHistory(string.Concat(lines.Select(line => $"printf '%s\\n' {Quote(line)}; ")));

    /// <summary>
    /// Appends what the shell commands <paramref name="print"/> print (whole lines) to the history in
    /// one write. A last line left without its newline (a write cut short by a full disk) is ended
    /// first, so a new record is never glued to a torn one. The write goes through <c>cat</c>: dash's
    /// <c>printf</c> reports a full disk as "I/O error", <c>cat</c> as "No space left on device"
    /// (or "Disk quota exceeded"), which <see cref="RemoteCommand"/> codes as a full disk.
    /// </summary>
    public static string AppendToHistory(string print) =>
        $"{{ if [ -s {HistoryFile} ] && [ -n \"$(tail -c 1 {HistoryFile})\" ]; then echo; fi; {print}}} | cat >> {HistoryFile}\n";

    /// <summary>Prefix of the error line <see cref="ForeignContent"/> prints before the path it found.</summary>
    public const string ForeignContentMarker = "atomicdeploy-foreign-content ";

    /// <summary>
    /// Stops the script (exit 3, <see cref="ForeignContentMarker"/> and the path on standard error)
    /// when the release folder <paramref name="folder"/> (a shell word; anything but
    /// <c>releases/NAME</c>, a real folder, is not checked) holds something a new release cannot be copied from: for a hard-link
    /// copy, a folder the deploy user cannot read (a listing under <c>set -e</c> would stop with a
    /// bare error) or an entry another user owns (<c>fs.protected_hardlinks</c> refuses a link to
    /// it); for a full copy, anything the deploy user cannot read.
    /// Symlinks (the shared links) are not looked at. One <c>find</c> that stops at the first hit.
    /// </summary>
    public static string ForeignContent(string folder, CopyMode mode) => $$"""
        case {{folder}} in releases/{{string.Concat(Enumerable.Repeat("[0-9]", 14))}}) ;; *) false ;; esac && [ -d {{folder}} ] && [ ! -L {{folder}} ] && {
          foreign=$(find {{folder}}/ -mindepth 1 ! -type l {{(mode == CopyMode.HardLink ? "\\( -type d ! -readable -o ! -user \"$(id -u)\" \\)" : "! -readable")}} -print -quit 2>/dev/null || true)
          if [ -n "$foreign" ]; then printf '{{ForeignContentMarker}}%s\n' "$foreign" >&2; exit 3; fi
        } || true

        """;

    /// <summary>
    /// Points <c>current</c> at <paramref name="release"/> atomically: a new relative symlink beside it,
    /// renamed over it with <c>mv -T</c> (rename(2)); <c>current</c> never stops existing.
    /// </summary>
    public static string RenameCurrent(string release) => $"""
        rm -f -- .current.{release}.tmp
        ln -s -- releases/{release} .current.{release}.tmp
        mv -T -- .current.{release}.tmp current

        """;

    /// <summary>
    /// Prints, for every entry of <c>shared/</c> that the drop-down rule looks at, its kind, the kind
    /// of the same path in the release folder <paramref name="releaseFolder"/> (a shell word; empty:
    /// no release, every kind <c>-</c>) and the path, NUL-terminated. It enters a shared folder only
    /// when the release has a real folder of the same name, so a large <c>shared/uploads</c> is never listed.
    /// Each folder needs a shell of its own (whether to enter it depends on the answer); everything
    /// else is listed in batches, so a folder of 10,000 files costs a few shells, not 10,000.
    /// With <paramref name="linksAbsent"/>, a symlink in the release counts as absent: the listing a
    /// copy of that release would give, as the copy leaves its links out (<see cref="CopyRelease"/>).
    /// </summary>
    public static string ListSharedFrontier(string releaseFolder, bool linksAbsent = false) => $$"""
        find shared -mindepth 1 \( -type d -exec sh -c '
          p=$2
          r="$1/${p#shared/}"
          t=-; if [ -n "$1" ]; then if [ -L "$r" ]; then t={{(linksAbsent ? "-" : "f")}}; elif [ -d "$r" ]; then t=d; elif [ -e "$r" ]; then t=f; fi; fi
          printf "d%s%s\0" "$t" "${p#shared/}"
          [ "$t" = d ]' sh {{releaseFolder}} {} \; -o -type d -prune -o -exec sh -c '
          rel=$1; shift
          for p; do
            r="$rel/${p#shared/}"
            t=-; if [ -n "$rel" ]; then if [ -L "$r" ]; then t={{(linksAbsent ? "-" : "f")}}; elif [ -d "$r" ]; then t=d; elif [ -e "$r" ]; then t=f; fi; fi
            printf "f%s%s\0" "$t" "${p#shared/}"
          done' sh {{releaseFolder}} {} + \)

        """;
}
