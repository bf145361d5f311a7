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
    /// (<c>cp</c>) given the listed mode (a hard link would change the source's mode too). A source
    /// is used only when it is <c>releases/NAME/...</c> of another release with no <c>.</c> or
    /// <c>..</c> step, no symlink on the way (the release folder and <c>releases</c> itself included;
    /// each folder is walked once, not once per file) and a regular file at the end; then what was
    /// placed must have the listed SHA-256 (<c>sha256sum</c>; none without the tool) and mode
    /// (<c>stat</c>). Anything else is removed again and printed after <see cref="NotReusedMarker"/>,
    /// so the client sends it: a forged or stale manifest on the server costs bytes, never a wrong file.
    /// Each step is one process for all the files, not one per file (a process start costs
    /// milliseconds), and the list is read whole (the shell's <c>read</c> reads it a byte per system
    /// call, a third of a millisecond per line): the checks are shell built-ins writing one plan, the hard links are made by one
    /// <c>perl</c> (on every Debian and Ubuntu; else one <c>ln</c> each), a link that failed is
    /// caught by the verification, and one <c>awk</c> compares what was placed with the plan.
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
              walked=
              ifs=$IFS; set -f; IFS='
            '
              for line in $(cat -- "$list"); do
                hash=${line%%"$tab"*}; line=${line#*"$tab"}
                mode=${line%%"$tab"*}; line=${line#*"$tab"}
                how=${line%%"$tab"*}; line=${line#*"$tab"}
                src=${line%%"$tab"*}; path=${line#*"$tab"}
                ok=yes
                case "$mode" in [0-7][0-7][0-7]) ;; *) ok= ;; esac
                case "$src" in releases/{{glob}}/?*) ;; *) ok= ;; esac
                case "$src" in "$new"/*) ok= ;; esac
                case "/$src/" in */../*|*/./*|*//*) ok= ;; esac
                case "/$path/" in */../*|*/./*|*//*|//) ok= ;; esac
                d=${src%/*}
                if [ -n "$ok" ] && [ "$d" != "$walked" ]; then
                  walked=$d
                  while :; do
                    if [ -L "$d" ]; then ok=; walked=; break; fi
                    case "$d" in */*) d=${d%/*} ;; *) break ;; esac
                  done
                fi
                to=$new/$path
                if [ -n "$ok" ] && [ ! -L "$src" ] && [ -f "$src" ] && [ ! -e "$to" ] && [ ! -L "$to" ]; then
                  if [ "$how" = ln ] && [ {{links}} = yes ]; then
                    printf '%s\t%s\n' "$src" "$to" >&4
                  elif ! { cp -- "$src" "$to" && chmod "$mode" -- "$to"; } 2>/dev/null; then
                    printf '{{NotReusedMarker}}%s\n' "$path"; continue
                  fi
                  printf '%s\t%s\t%s\n' "$hash" "$mode" "$to" >&3
                  printf '%s\n' "$to" >&5
                else
                  printf '{{NotReusedMarker}}%s\n' "$path"
                fi
              done 3> "$list.placed" 4> "$list.pairs" 5> "$list.paths"
              set +f; IFS=$ifs
              if [ -s "$list.pairs" ]; then
                if command -v perl >/dev/null 2>&1; then
                  perl -ne 'chomp; my ($s, $d) = split /\t/, $_, 2; link $s, $d;' -- "$list.pairs"
                else
                  while IFS="$tab" read -r s d; do ln -- "$s" "$d" 2>/dev/null || true; done < "$list.pairs"
                fi
              fi
              xargs -d '\n' -r sha256sum -- < "$list.paths" > "$list.seen" 2>/dev/null || true
              xargs -d '\n' -r stat -c '%a %n' -- < "$list.paths" > "$list.modes" 2>/dev/null || true
              LC_ALL=C awk -F "$tab" '
                FILENAME == ARGV[1] { hash[$3] = $1; mode[$3] = $2; next }
                FILENAME == ARGV[2] { p = substr($0, 67); if (p in hash && hash[p] == substr($0, 1, 64)) good[p]++; next }
                { sp = index($0, " "); p = substr($0, sp + 1); if (p in mode && mode[p] == substr($0, 1, sp - 1)) good[p]++ }
                END { for (p in hash) if (good[p] != 2) print p }' "$list.placed" "$list.seen" "$list.modes" > "$list.bad"
              while IFS= read -r p; do
                rm -f -- "$p"
                printf '{{NotReusedMarker}}%s\n' "${p#"$new"/}"
              done < "$list.bad"
              rm -f -- "$list" "$list.placed" "$list.pairs" "$list.paths" "$list.seen" "$list.modes" "$list.bad"
            fi

            """;
    }
}
