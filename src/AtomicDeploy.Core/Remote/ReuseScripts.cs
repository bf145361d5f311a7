using static AtomicDeploy.Core.Remote.ShellQuote;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// The server's half of content-addressed reuse (<see cref="Manifest.ContentReuse"/>): after the
/// upload's archive is unpacked, the files it left out are linked (or copied) from where the list
/// in the archive says their content is, and each one is kept only if it proves to be that content.
/// </summary>
public static class ReuseScripts
{
    /// <summary>Prefix of the line the upload prints for each file it could not reuse (the client sends those).</summary>
    public const string NotReusedMarker = "atomicdeploy-not-reused ";

    /// <summary>The list the archive carries for release <paramref name="release"/>, relative to the deploy folder.</summary>
    public static string ListPath(string release) => $".atomicdeploy/reuse.{release}";

    /// <summary>
    /// Shell lines, run in the deploy folder after the archive was unpacked, that place every file of
    /// the list (<c>hash TAB mode TAB how TAB source TAB path</c> lines) into the release: a hard link
    /// when how is <c>ln</c>, or, in copy mode or for a source of another mode, a copy
    /// (<c>cp</c>) given the listed mode (a hard link would change the source's mode too). The hard
    /// links are made after the checks, all by one process (<c>perl</c>, on every Debian and Ubuntu;
    /// else one <c>ln</c> each): a process start per file was most of the time of 500 renamed files,
    /// and a link that failed is caught by the verification that follows. A source is used only when it
    /// is <c>releases/NAME/...</c> of another release with no <c>.</c> or <c>..</c> step, no symlink
    /// on the way (the release folder and <c>releases</c> itself included) and a regular file at the
    /// end; then what was placed must have the listed SHA-256 (<c>sha256sum</c>; none without the
    /// tool) and mode (<c>stat</c>). Anything else is removed again and printed after
    /// <see cref="NotReusedMarker"/>, so the client sends it: a forged or stale manifest on the
    /// server costs bytes, never a wrong file.
    /// </summary>
    public static string PlaceAndVerify(string release, CopyMode mode)
    {
        var list = Quote(ListPath(release));
        var links = mode == CopyMode.HardLink ? "yes" : "no";
        var glob = string.Concat(Enumerable.Repeat("[0-9]", 14));
        return $$"""
            if [ -f {{list}} ]; then
              new={{Quote("releases/" + release)}}
              list={{list}}
              tab=$(printf '\t')
              : > "$list.hashes"; : > "$list.modes"; : > "$list.pairs"
              place() {
                if [ "$how" = ln ] && [ {{links}} = yes ]; then printf '%s\t%s\n' "$1" "$2" >> "$list.pairs"; else cp -- "$1" "$2" && chmod "$mode" -- "$2"; fi
              }
              while IFS="$tab" read -r hash mode how src path; do
                ok=yes
                case "$mode" in [0-7][0-7][0-7]) ;; *) ok= ;; esac
                case "$src" in releases/{{glob}}/?*) ;; *) ok= ;; esac
                case "$src" in "$new"/*) ok= ;; esac
                case "/$src/" in */../*|*/./*|*//*) ok= ;; esac
                case "/$path/" in */../*|*/./*|*//*|//) ok= ;; esac
                d=$src
                while [ -n "$ok" ]; do
                  if [ -L "$d" ]; then ok=; fi
                  case "$d" in */*) d=${d%/*} ;; *) break ;; esac
                done
                if [ -n "$ok" ] && [ -f "$src" ] && [ ! -e "$new/$path" ] && [ ! -L "$new/$path" ] && place "$src" "$new/$path" 2>/dev/null; then
                  printf '%s  %s\n' "$hash" "$new/$path" >> "$list.hashes"
                  printf '%s %s\n' "$mode" "$new/$path" >> "$list.modes"
                else
                  printf '{{NotReusedMarker}}%s\n' "$path"
                fi
              done < "$list"
              if [ -s "$list.pairs" ]; then
                if command -v perl >/dev/null 2>&1; then
                  perl -ne 'chomp; my ($s, $d) = split /\t/, $_, 2; link $s, $d;' -- "$list.pairs"
                else
                  while IFS="$tab" read -r s d; do ln -- "$s" "$d" 2>/dev/null; done < "$list.pairs"
                fi
              fi
              sed 's/^[^ ]*  //' "$list.hashes" | xargs -d '\n' -r sha256sum -- 2>/dev/null | LC_ALL=C sort > "$list.seen" || true
              sed 's/^[^ ]* //' "$list.modes" | xargs -d '\n' -r stat -c '%a %n' -- 2>/dev/null | LC_ALL=C sort > "$list.seenmodes" || true
              { LC_ALL=C sort "$list.hashes" | LC_ALL=C comm -23 - "$list.seen" | sed 's/^[^ ]*  //'
                LC_ALL=C sort "$list.modes" | LC_ALL=C comm -23 - "$list.seenmodes" | sed 's/^[^ ]* //'; } | LC_ALL=C sort -u > "$list.bad"
              while IFS= read -r p; do
                rm -f -- "$p"
                printf '{{NotReusedMarker}}%s\n' "${p#"$new"/}"
              done < "$list.bad"
              rm -f -- "$list" "$list.hashes" "$list.modes" "$list.pairs" "$list.seen" "$list.seenmodes" "$list.bad"
            fi

            """;
    }
}
