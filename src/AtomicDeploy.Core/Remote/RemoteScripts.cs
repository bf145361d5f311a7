using System.Globalization;
using System.Text;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Upload;
using static AtomicDeploy.Core.Remote.ShellQuote;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// The POSIX shell scripts each step runs on the server, one script (one round trip) per step.
/// Every value that comes from the user or the server is put in through <see cref="ShellQuote.Quote"/>.
/// Release names are checked to be 14 digits before they get here.
/// </summary>
public static class RemoteScripts
{
    internal const string Preamble = "set -eu\numask 022\n";

    /// <summary>
    /// The line a script that reads standard input starts with: whatever ends it, the rest of the input
    /// is still read, since an SSH channel closed while the client writes to it would take the whole
    /// connection down.
    /// </summary>
    internal const string DrainInputOnExit = "trap 'status=$?; cat >/dev/null; exit $status' EXIT\n";

    /// <summary>Shell lines, run in the deploy folder, that print the state's first part: the <c>current</c> link (as <c>$live</c>) and the releases.</summary>
    internal static string StateHead => $$"""
        printf 'atomicdeploy-state 1\n'
        live=
        if [ -L current ]; then live=$(readlink current); elif [ -e current ]; then live='(not a symlink)'; fi
        printf 'live %s\n' "$live"
        for r in releases/{{ReleaseGlob}}; do
          if [ -d "$r" ]; then printf 'release %s\n' "${r#releases/}"; fi
        done
        """;

    /// <summary>Shell lines, after <see cref="StateHead"/>, that print the live release's manifest and what it really holds.</summary>
    internal static string LiveManifest => LiveManifestLines(known: false);

    /// <summary>
    /// <see cref="LiveManifest"/>, but with <paramref name="known"/> the manifest itself is left out
    /// (<see cref="RemoteState.KnownManifest"/> in its place): the lock's channel brought it already.
    /// </summary>
    private static string LiveManifestLines(bool known) => $$"""
        name=${live#releases/}
        if [ "releases/$name" = "$live" ] && [ -f ".atomicdeploy/manifests/$name.json" ] && [ -d "$live" ]; then
          printf 'manifest\n'
          {{(known ? $"printf '%s' '{RemoteState.KnownManifest}'" : "cat \".atomicdeploy/manifests/$name.json\"")}}
          printf '\nlisting\n'
          find "$live/" -mindepth 1 ! -type l -printf '%y %s %m %P\0'
        fi
        """;

    /// <summary>
    /// Shell lines, after <see cref="StateHead"/>, that print <see cref="RemoteState.KeptMarker"/> and,
    /// when the host has <c>sha256sum</c> to check a source with, <c>verify sha256sum</c> and the files of
    /// the other kept releases whose content the live release does not have: one line per content
    /// (release name, then the file's record cut from its manifest).
    /// Contents the live release has are left out, as the client has its manifest already; so for
    /// releases that differ in a few files the list is a few lines, however large the tree.
    /// One <c>awk</c> reads every manifest (the live one first), a record per <c>{"path":</c> (which a
    /// JSON string cannot hold unescaped), in the C locale: a <c>grep</c> and a <c>sed</c> per
    /// manifest took 0.28 s for four releases of 2,300 files, this takes a tenth of that. A record
    /// is checked against the full pattern only when its hash is new: most records of the other
    /// releases hold what the live one holds, and the pattern is most of the time per record.
    /// </summary>
    internal static string KeptFiles => $$"""
        printf '{{RemoteState.KeptMarker.Replace("\n", "\\n", StringComparison.Ordinal)}}'
        if command -v sha256sum >/dev/null 2>&1; then
          printf 'verify sha256sum\n'
          n=${live#releases/}
          livem=
          if [ "releases/$n" = "$live" ] && [ -f ".atomicdeploy/manifests/$n.json" ]; then livem=".atomicdeploy/manifests/$n.json"; fi
          others=
          for m in .atomicdeploy/manifests/{{ReleaseGlob}}.json; do
            n=${m#.atomicdeploy/manifests/}; n=${n%.json}
            if [ "releases/$n" != "$live" ] && [ -d "releases/$n" ] && [ ! -L "releases/$n" ] && [ -f "$m" ]; then others="$others $m"; fi
          done
          if [ -n "$others" ]; then
            LC_ALL=C awk -v livem="$livem" '
              BEGIN { RS = "[{]\"path\":" }
              FNR > 1 && (i = index($0, "\"sha256\":\"")) {
                h = substr($0, i + 10, 64)
                if (FILENAME == livem) { seen[h] = 1; next }
                if (h in seen || !match($0, /^{{KeptRecordRest}}/)) next
                e = "\"path\":" substr($0, 1, RLENGTH)
                if (!match(e, /"sha256":"[0-9a-f]+"/) || RLENGTH != 75) next
                h = substr(e, RSTART + 10, 64)
                if (!(h in seen)) { seen[h] = 1; print substr(FILENAME, 25, 14), e }
              }' $livem $others
          fi
        fi

        """;

    /// <summary>
    /// Creates the layout if missing and prints the state (run under the <see cref="DeployLock"/>): the <c>current</c> link, the releases, the live release's manifest (one JSON line) and
    /// what the live release really holds (kind, size, mode and path of each entry, NUL-terminated);
    /// with <paramref name="keptFiles"/>, then what <see cref="KeptFiles"/> prints. With
    /// <paramref name="manifestKnown"/> the manifest is left out (the lock's channel brought it).
    /// </summary>
    public static string ReadState(string root, CopyMode mode = CopyMode.HardLink, bool keptFiles = false, bool manifestKnown = false) => Preamble + $$"""
        mkdir -p -- {{Quote(root)}}/releases {{Quote(root)}}/shared {{Quote(root)}}/.atomicdeploy/manifests
        cd -- {{Quote(root)}}
        {{StateHead}}
        {{ScriptFragments.ForeignContent("\"$live\"", mode)}}
        {{LiveManifestLines(manifestKnown)}}
        {{(keptFiles ? KeptFiles : string.Empty)}}
        """;

    /// <summary>
    /// Creates the new release: a hard-link copy (<c>cp -al</c>) or a full copy (<c>cp -a</c>) of the
    /// live release without its shared links, or an empty folder when <paramref name="live"/> is null.
    /// </summary>
    public static string CreateRelease(string root, string release, string? live, CopyMode mode)
    {
        var create = live is null
            ? $"mkdir -- {Quote("releases/" + release)}"
            : ScriptFragments.CopyRelease(ScriptFragments.Release(live), ScriptFragments.Release(release), mode);
        return Preamble + $"""
            cd -- {Quote(root)}
            if [ -e {Quote("releases/" + release)} ]; then echo 'release {release} already exists' >&2; exit 1; fi
            {create}
            """;
    }

    /// <summary>Marker line that <see cref="CreateReleaseIfNewest"/> prints after the state when it created the release.</summary>
    public const string CreatedMarker = "\natomicdeploy-created ";

    /// <summary>
    /// Appended to <see cref="ReadState"/> (after the lock is taken) so a deploy creates its release
    /// in the same round trip: creates <paramref name="release"/> as <see cref="CreateRelease"/> would,
    /// but only when no release of that name or later exists and <c>current</c> is a symlink or
    /// absent (after running <paramref name="markPending"/>), then prints <see cref="CreatedMarker"/> and <c>copy</c> or <c>empty</c>. Otherwise it
    /// does nothing and the caller creates the release with a later name in a second round trip.
    /// </summary>
    public static string CreateReleaseIfNewest(string release, CopyMode mode, string markPending) => $$"""

        new={{release}}
        ok=yes
        for r in releases/{{ReleaseGlob}}; do
          if [ -d "$r" ] && [ "${r#releases/}" -ge "$new" ]; then ok=; fi
        done
        if [ -e current ] && [ ! -L current ]; then ok=; fi
        if [ -n "$ok" ]; then
          {{markPending}}
          from=
          if [ -L current ]; then
            l=$(readlink current); n=${l#releases/}
            case "$n" in {{ReleaseGlob}}) ;; *) n=;; esac
            if [ -n "$n" ] && [ "releases/$n" = "$l" ] && [ -d "$l" ] && [ -f ".atomicdeploy/manifests/$n.json" ]; then from=$l; fi
          fi
          if [ -n "$from" ]; then
            {{ScriptFragments.CopyRelease("\"$n\"", "\"$new\"", mode)}}
            printf '\natomicdeploy-created copy\n'
          else
            mkdir -- "releases/$new"
            printf '\natomicdeploy-created empty\n'
          fi
        fi
        """;

    /// <summary>Replaces a release just made by <see cref="CreateReleaseIfNewest"/> with an empty one.</summary>
    public static string RecreateEmpty(string root, string release) => Preamble + $"""
        cd -- {Quote(root)}
        rm -rf -- {Quote("releases/" + release)}
        mkdir -- {Quote("releases/" + release)}
        """;

    /// <summary>
    /// Receives a <see cref="Upload.ReleaseArchive"/> stream on standard input: deletes the paths its
    /// first line lists from the release (so replaced files get new inodes and the live release is
    /// never written through a hard link), unpacks the tar into the deploy folder, then deletes the
    /// removed paths the archive lists (<see cref="DeletionListPath"/>). If anything fails,
    /// the rest of the input is still read: an SSH channel closed while the client writes to it
    /// would take the whole connection down, and with it the clean-up that follows.
    /// The release's own folders are made writable first, so a read-only folder of the publish
    /// output (copied from the live release with its mode) can take its changes; then every
    /// folder in <paramref name="readOnlyFolders"/> (path in the release, mode) gets its published mode back.
    /// With <paramref name="reuse"/>, files the archive's reuse list names are placed from the host's
    /// kept releases before that (<see cref="ReuseScripts.PlaceAndVerify"/>, by <paramref name="copyMode"/>).
    /// The tar comes compressed as <paramref name="compression"/> says. With <paramref name="manifestBasis"/> (the
    /// live release), a manifest delta the archive carries is rebuilt into the new manifest
    /// (<see cref="ManifestDeltaScripts.Rebuild"/>).
    /// </summary>
    public static string Upload(string root, string release, IEnumerable<(string Path, int Mode)>? readOnlyFolders = null, CopyMode copyMode = CopyMode.HardLink, ArchiveCompression compression = ArchiveCompression.Gzip, string? manifestBasis = null, bool reuse = true)
    {
        var restore = new StringBuilder();
        foreach (var (path, mode) in (readOnlyFolders ?? []).OrderByDescending(f => f.Path.Length))
        {
            restore.Append(CultureInfo.InvariantCulture, $"chmod {Convert.ToString(mode & 0x1FF, 8)} -- {Quote("releases/" + release + "/" + path)}\n");
        }

        return Preamble + DrainInputOnExit + $$"""
            cd -- {{Quote(root)}}
            find {{Quote("releases/" + release)}} -type d ! -perm -u+rwx -exec chmod u+rwx {} +
            gone={{Quote(DeletionListPath(release))}}
            delete_gone() { (cd -- {{Quote("releases/" + release)}} && xargs -0 -r rm -rf --) < "$gone"; }
            IFS= read -r deletions
            if [ -n "$deletions" ]; then
              printf '%s' "$deletions" | base64 -d > "$gone"
              delete_gone
            fi
            rm -f -- "$gone" {{Quote(ReuseScripts.ListPath(release))}}
            {{Unpack(compression)}}
            if [ -f "$gone" ]; then
              delete_gone
              rm -f -- "$gone"
            fi
            {{(reuse ? ReuseScripts.PlaceAndVerify(release, copyMode) : string.Empty)}}
            {{(manifestBasis is null ? string.Empty : ManifestDeltaScripts.Rebuild(release, manifestBasis))}}
            {{restore}}
            """;
    }

    /// <summary>Where the upload keeps a list of paths to delete from release <paramref name="release"/>, relative to the deploy folder.</summary>
    public static string DeletionListPath(string release) => $".atomicdeploy/deletions.{release}";

    /// <summary>
    /// Shell lines that unpack the compressed tar on standard input into the deploy folder. zstd's
    /// exit status comes out of the pipe on a descriptor of its own (POSIX sh has no pipefail):
    /// a stream that breaks off at a frame's end must fail the upload, not unpack as a shorter archive.
    /// </summary>
    private static string Unpack(ArchiveCompression compression) => compression == ArchiveCompression.Zstd
        ? """
            unzstd=$({ { s=0; zstd -dcq || s=$?; echo "$s" >&3; } | tar -xpf - --no-same-owner -C . >&2; } 3>&1)
            if [ "$unzstd" != 0 ]; then echo "zstd could not decompress the upload (exit code $unzstd)" >&2; exit 1; fi
            """
        : "tar -xpzf - --no-same-owner -C .";

    /// <summary>
    /// Replaces what the release ships at a declared shared path (seeding <c>shared/</c> with it
    /// the first time, see <see cref="SharedSeedScripts"/>), creates the declared shared paths if
    /// missing, then prints, for every entry of <c>shared/</c>
    /// that the drop-down rule looks at, its kind, the kind of the same path in the release
    /// (<c>-</c> when absent) and the path, NUL-terminated: all that <see cref="SharedLinkPlan"/>
    /// needs, in one round trip.
    /// </summary>
    public static string ListShared(string root, string release, SharedPathList shared) => Preamble + ListSharedLines(root, release, shared);

    /// <summary>The line before <see cref="ListShared"/>'s output when it ends the upload script (<see cref="ListSharedAfterUpload"/>).</summary>
    public const string SharedListingMarker = "atomicdeploy-shared-listing";

    /// <summary>
    /// <see cref="ListShared"/> at the end of the upload script, after <see cref="SharedListingMarker"/>:
    /// the release is complete then, and the link step needs no round trip to list <c>shared/</c>.
    /// With <paramref name="onlyWhenSharedIsUnchanged"/> (a fleet, whose hosts must all be through
    /// their uploads before anything changes in <c>shared/</c>), only when <c>shared/</c> already has
    /// every declared path: then the listing changes nothing there (it only takes the release's own
    /// copies of those paths out of the new release); otherwise it prints nothing and the link step lists.
    /// </summary>
    public static string ListSharedAfterUpload(string root, string release, SharedPathList shared, bool onlyWhenSharedIsUnchanged = false)
    {
        var listing = $"printf '%s\\n' '{SharedListingMarker}'\n" + ListSharedLines(root, release, shared);
        var declared = shared.Folders.Concat(shared.Files).Select(p => Quote("shared/" + p)).ToArray();
        return !onlyWhenSharedIsUnchanged || declared.Length == 0
            ? "\n" + listing
            : $"\nif {string.Join(" && ", declared.Select(p => $"{{ [ -e {p} ] || [ -L {p} ]; }}"))}; then\n{listing}\nfi\n";
    }

    private static string ListSharedLines(string root, string release, SharedPathList shared)
    {
        var script = new StringBuilder().Append(CultureInfo.InvariantCulture, $"cd -- {Quote(root)}\n");
        script.Append(SharedSeedScripts.Seed(release, shared));
        script.Append(SharedPathScripts.CreateDeclared(shared.Folders, shared.Files));

        return script.Append(ScriptFragments.ListSharedFrontier(Quote("releases/" + release))).ToString();
    }

    /// <summary>
    /// Creates the planned relative symlinks in the release: one <c>ln -s -t FOLDER</c> for up to
    /// 256 links of a folder (a link's name is its target's last part), so 10,000 links are a few
    /// dozen processes, not 10,000.
    /// </summary>
    public static string CreateLinks(string root, string release, IEnumerable<SharedLink> links)
    {
        var script = new StringBuilder(Preamble).Append(CultureInfo.InvariantCulture, $"cd -- {Quote(root + "/releases/" + release)}\n");
        foreach (var folder in links.GroupBy(l => l.Path.Contains('/', StringComparison.Ordinal) ? l.Path[..l.Path.LastIndexOf('/')] : ".", StringComparer.Ordinal))
        {
            foreach (var chunk in folder.Chunk(256))
            {
                script.Append(CultureInfo.InvariantCulture, $"ln -s -t {Quote(folder.Key)} --");
                foreach (var link in chunk)
                {
                    script.Append(' ').Append(Quote(link.Target));
                }

                script.Append('\n');
            }
        }

        return script.ToString();
    }

    /// <summary>
    /// Points <c>current</c> at the release atomically: a new relative symlink beside it, renamed
    /// over it with <c>mv -T</c> (rename(2)); then appends the history line.
    /// </summary>
    public static string Switch(string root, string release, params string[] historyLines) => Preamble + $"""
        cd -- {Quote(root)}
        if [ ! -d {Quote("releases/" + release)} ]; then echo 'release {release} is missing' >&2; exit 1; fi
        if [ -d current ] && [ ! -L current ]; then echo 'current is a real folder, not a symlink: move it away once, then deploy again' >&2; exit 1; fi
        {ScriptFragments.RenameCurrent(ScriptFragments.Release(release))}
        {(historyLines.Length == 0 ? string.Empty : $"{{ {ScriptFragments.AppendHistory(historyLines)}}} || echo 'warning: the history line could not be written' >&2")}
        """;

    /// <summary>
    /// Renames release <paramref name="from"/>, which this deploy has just created and marked pending,
    /// to <paramref name="to"/> (the later name a fleet chose because another host already has
    /// <paramref name="from"/> or later), moving its pending mark with it.
    /// </summary>
    public static string RenameRelease(string root, string from, string to, string markPending) => Preamble + $"""
        cd -- {Quote(root)}
        if [ -e {Quote("releases/" + to)} ]; then echo 'release {to} already exists' >&2; exit 1; fi
        {markPending}
        mv -T -- {Quote("releases/" + from)} {Quote("releases/" + to)}
        rm -f -- {Quote(PendingRelease.MarkerPath(from))}
        """;

    /// <summary>Line <see cref="Abort"/> prints when it removed the release a cut-off script was creating.</summary>
    public const string RemovedUnconfirmedMarker = "atomicdeploy-removed-unconfirmed ";

    /// <summary>
    /// Undoes a deploy that failed before its switch: removes the half-made release (unless
    /// <c>current</c> points at it) and records the failure. <paramref name="unconfirmed"/> names a
    /// release a script was creating when the failure cut its answer off (a cancel during the state
    /// query): it is removed only if it carries the pending mark (<see cref="PendingRelease"/>), so
    /// only if that script did create it (the caller asks only while it holds the lock; a mark stays
    /// while anything of the release is left, for the next deploy); then the failure is recorded as
    /// <paramref name="unconfirmedLine"/> (naming it) and <see cref="RemovedUnconfirmedMarker"/> printed.
    /// With no <paramref name="release"/> and no such release found, nothing was made, so nothing is recorded.
    /// </summary>
    public static string Abort(string root, string? release, string historyLine, string? unconfirmed = null, string? unconfirmedLine = null)
    {
        var script = new StringBuilder("set -u\n").Append(CultureInfo.InvariantCulture, $"cd -- {Quote(root)} || exit 0\n");
        if (release is not null)
        {
            script.Append(CultureInfo.InvariantCulture, $"""
                if [ "$(readlink current 2>/dev/null)" != {Quote("releases/" + release)} ]; then
                {ScriptFragments.RemoveRelease(ScriptFragments.Release(release))}
                fi

                """);
        }

        if (unconfirmed is null)
        {
            return script.Append(ScriptFragments.AppendHistory(historyLine)).ToString();
        }

        var marker = Quote(PendingRelease.MarkerPath(unconfirmed));
        return script.Append(CultureInfo.InvariantCulture, $"""
            if [ -f {marker} ] && [ "$(readlink current 2>/dev/null)" != {Quote("releases/" + unconfirmed)} ]; then
            {ScriptFragments.RemoveRelease(ScriptFragments.Release(unconfirmed))}
              [ -e {Quote("releases/" + unconfirmed)} ] || rm -f -- {marker}
              {ScriptFragments.AppendHistory(unconfirmedLine ?? historyLine).TrimEnd()}
              printf '%s%s\n' '{RemovedUnconfirmedMarker}' {Quote(unconfirmed)}
            else
              {(release is null ? ":" : ScriptFragments.AppendHistory(historyLine).TrimEnd())}
            fi

            """).ToString();
    }

    /// <summary>
    /// Removes the deploy lock whoever holds it, printing <c>removed</c> and its owner for each lock
    /// removed, or <c>none</c>: a folder lock left by an older version, and a <see cref="DeployLock"/>
    /// held by a deploy that hangs (its holding command is stopped, which frees the lock, but only
    /// when that process really holds it: the pid in the file may have been reused since).
    /// </summary>
    public static string Unlock(string root) => $$"""
        cd -- {{Quote(root)}} 2>/dev/null || { echo none; exit 0; }
        found=
        if [ -d .atomicdeploy/lock ]; then
          printf 'removed %s\n' "$(cat .atomicdeploy/lock/owner 2>/dev/null || echo 'unknown (no owner file)')"
          rm -rf .atomicdeploy/lock
          found=1
        fi
        if [ -f .atomicdeploy/deploy.lock ]; then
          exec 9>>.atomicdeploy/deploy.lock
          if ! flock -n 9; then
            owner=$(cat .atomicdeploy/deploy.lock)
            pid=${owner##*(server pid }
            pid=${pid%)}
            {{DeployLock.HolderCheck}}
            case "$pid" in ''|*[!0-9]*) ;; *) if holds_lock "$pid"; then kill "$pid" 2>/dev/null || true; else echo "{{ErrorCodes.LockHolderNotNamed}}: the deploy lock of $(pwd -P) is held by a process other than the one deploy.lock names ($owner), so nothing was stopped: that pid may now belong to another program. Find the holder with: fuser -v $(pwd -P)/.atomicdeploy/deploy.lock" >&2; exit {{ScriptRefusal.ExitCode}}; fi ;; esac
            if ! flock -w 10 9; then echo "the lock held by $owner could not be freed" >&2; exit 1; fi
            printf 'removed %s\n' "$owner"
            found=1
          fi
        fi
        if [ -z "$found" ]; then echo none; fi
        """;

    /// <summary>
    /// A file's record in a manifest as <see cref="Manifest.ReleaseManifest.ToJson"/> writes it, after
    /// its <c>"path":</c>, as an awk regular expression (one of the hash's length is checked apart:
    /// not every awk has interval expressions).
    /// </summary>
    private const string KeptRecordRest = """
        "([^"\\]|\\.)*","type":"f","size":[0-9]+,"sha256":"[0-9a-f]+","mode":[0-9]+
        """;

    private static string ReleaseGlob => string.Concat(Enumerable.Repeat("[0-9]", 14));
}

/// <summary>How a new release is made from the live one.</summary>
public enum CopyMode
{
    /// <summary><c>cp -al</c>: hard links, no extra disk space; safe because files are replaced, never edited.</summary>
    HardLink,

    /// <summary><c>cp -a</c>: a full copy.</summary>
    Copy,
}
