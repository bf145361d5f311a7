using System.Globalization;
using System.Text;
using static AtomicDeploy.Core.Remote.ShellQuote;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// Creates the declared shared paths without following a symlink anywhere in them. The app may
/// write <c>shared/</c>, so it can put <c>shared/config -&gt; /elsewhere</c> there; a deploy (often
/// with more rights than the app) must then refuse instead of creating folders and files through
/// the link. No check-then-create gap is left for it to swap a folder for a link: each folder is
/// made with <c>mkdir</c> (which never follows a link), then entered and its physical path compared
/// with the one expected, and each file is a fresh hard link (<c>ln -T</c>, which fails on any
/// existing name, link or not) of a file the deploy just wrote in its own <c>.atomicdeploy/</c>.
/// </summary>
public static class SharedPathScripts
{
    /// <summary>Exit code of the script when a declared path goes through a symlink.</summary>
    public const int RefusedExitCode = ScriptRefusal.ExitCode;

    /// <summary>
    /// Shell lines, run in the deploy folder (after <c>set -eu</c>), that create each of
    /// <paramref name="folders"/> and <paramref name="files"/> (paths below <c>shared/</c>, already
    /// checked relative) if missing: a <c>.json</c> file holds <c>{}</c>, any other file is empty.
    /// A symlink in a path stops the script with <see cref="RefusedExitCode"/> and an
    /// <see cref="ErrorCodes.SharedPathThroughLink"/> line naming the link.
    /// </summary>
    public static string CreateDeclared(IEnumerable<string> folders, IEnumerable<string> files)
    {
        var calls = new StringBuilder();
        foreach (var folder in folders)
        {
            calls.Append(CultureInfo.InvariantCulture, $"shared_path d {Quote(folder)}\n");
        }

        foreach (var file in files)
        {
            // An empty .json file would stop an ASP.NET Core app at start-up; it gets an empty object.
            var kind = file.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "j" : "f";
            calls.Append(CultureInfo.InvariantCulture, $"shared_path {kind} {Quote(file)}\n");
        }

        return calls.Length == 0 ? string.Empty : Functions + calls;
    }

    /// <summary>
    /// <c>shared_path KIND PATH</c> (KIND <c>d</c> folder, <c>j</c> JSON file, <c>f</c> empty file)
    /// walks PATH one component at a time in a subshell, so its <c>cd</c>s do not leak.
    /// </summary>
    private static string Functions => $$"""
        top=$(pwd -P)
        new_file="$top/.atomicdeploy/shared-new.$$"
        trap 'rm -f -- "$new_file"' EXIT
        refuse_link() {
          printf '{{ErrorCodes.SharedPathThroughLink}}: %s is a symbolic link (to %s): a declared shared path is never created through a link, which could put files outside %s. Replace the link with a real folder, or remove it, then deploy again.\n' "$1" "$(readlink -- "$2" 2>/dev/null || echo unknown)" "$top/shared" >&2
          exit {{RefusedExitCode}}
        }
        shared_path() (
          kind=$1; rest=$2; at=shared
          if [ -L shared ]; then refuse_link shared shared; fi
          cd -- shared
          [ "$(pwd -P)" = "$top/shared" ] || refuse_link shared "$top/shared"
          while [ -n "$rest" ]; do
            case "$rest" in */*) c=${rest%%/*}; rest=${rest#*/} ;; *) c=$rest; rest= ;; esac
            if [ -z "$c" ]; then continue; fi
            if [ -L "./$c" ]; then refuse_link "$at/$c" "./$c"; fi
            if [ -z "$rest" ] && [ "$kind" != d ]; then
              [ ! -e "./$c" ] || exit 0
              rm -f -- "$new_file"
              if [ "$kind" = j ]; then printf '{}\n' > "$new_file"; else : > "$new_file"; fi
              if ! ln -T -- "$new_file" "./$c" 2>/dev/null; then
                if [ -L "./$c" ]; then refuse_link "$at/$c" "./$c"; fi
                # Another filesystem (a mount in shared/): create it exclusively (O_EXCL, never through a link).
                [ -e "./$c" ] || (set -C; cat -- "$new_file" > "./$c")
              fi
              rm -f -- "$new_file"
              exit 0
            fi
            mkdir -- "./$c" 2>/dev/null || true
            if [ -L "./$c" ]; then refuse_link "$at/$c" "./$c"; fi
            if [ ! -d "./$c" ]; then printf '%s is not a folder, but AtomicDeploySharedPaths needs a folder there\n' "$at/$c" >&2; exit 1; fi
            cd -- "./$c"
            at="$at/$c"
            # Swapped for a link between mkdir and cd: the folder entered is not the one below shared/.
            [ "$(pwd -P)" = "$top/$at" ] || refuse_link "$at" "$top/$at"
          done
        )

        """;
}
