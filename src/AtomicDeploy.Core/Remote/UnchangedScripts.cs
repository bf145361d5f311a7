using System.Globalization;
using System.Text;
using AtomicDeploy.Core.Planning;
using static AtomicDeploy.Core.Remote.ShellQuote;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// The script that tells, without changing anything, whether a deploy whose files match the live
/// release's manifest would make a release equal to the live one: what the live release really
/// holds, the shared links a copy of it would get, and the links it has. Only then is no release made.
/// </summary>
public static class UnchangedScripts
{
    /// <summary>Separates the parts of <see cref="Check"/>'s output (a NUL-terminated record of its own).</summary>
    public const string PartMarker = "atomicdeploy-part";

    /// <summary>A record of <see cref="Check"/>'s output that says a deploy would change something (or that it could not tell).</summary>
    public const string Changed = "atomicdeploy-changed";

    /// <summary>
    /// Run under the lock; changes nothing but the lock file's holder line (<paramref name="holder"/>).
    /// Prints, NUL-terminated: what <see cref="RemoteScripts.ReadState"/> lists of the live release
    /// (kind, size, mode, path); then <see cref="PartMarker"/> and what
    /// <see cref="ScriptFragments.ListSharedFrontier"/> prints for a copy of the live release (its
    /// links left out); then <see cref="PartMarker"/> and each symlink of the live release as its path
    /// and target. A <see cref="Changed"/> record anywhere says a deploy would change something the
    /// listings do not show: <c>shared/</c> is missing, or a declared shared path is missing from it,
    /// goes through a symlink there (a deploy refuses it), or is not reached through a link in the live
    /// release (a deploy would seed <c>shared/</c> from it); or a listing failed (a folder the deploy
    /// user cannot read: a deploy stops with its coded error).
    /// </summary>
    public static string Check(string root, string live, SharedPathList shared, string holder)
    {
        var release = Quote("releases/" + live);
        var declared = shared.Folders.Select(f => (f, "d")).Concat(shared.Files.Select(f => (f, "f"))).ToArray();
        var script = new StringBuilder("set -u\n").Append(CultureInfo.InvariantCulture, $$"""
            cd -- {{Quote(root)}} || exit 1
            {{holder.TrimEnd()}}
            top=$(pwd -P)
            changed() { printf '%s\0' {{Changed}}; }
            # True when the first part of path $2 in folder $1 that is not a real folder is a link.
            linked() {
              at=$1; rest=$2
              while :; do
                at="$at/${rest%%/*}"
                if [ -L "$at" ]; then return 0; fi
                case $rest in */*) [ -d "$at" ] || return 1; rest=${rest#*/} ;; *) return 1 ;; esac
              done
            }
            if [ ! -d shared ]{{(declared.Length > 0 ? " || [ -L shared ]" : string.Empty)}}; then changed; exit 0; fi

            """);
        foreach (var (path, kind) in declared)
        {
            var inShared = Quote("./shared/" + path);
            var parent = path.Contains('/', StringComparison.Ordinal) ? "shared/" + path[..path.LastIndexOf('/')] : "shared";
            script.Append(CultureInfo.InvariantCulture, $"""
                if [ -{kind} {inShared} ] && [ ! -L {inShared} ] && linked {release} {Quote(path)} && [ "$(cd -P -- {Quote("./" + parent)} 2>/dev/null && pwd)" = "$top"/{Quote(parent)} ]; then :; else changed; fi

                """);
        }

        return script.Append(CultureInfo.InvariantCulture, $$"""
            find {{release}}/ -mindepth 1 ! -type l -printf '%y %s %m %P\0' || changed
            printf '%s\0' {{PartMarker}}
            {
            {{ScriptFragments.ListSharedFrontier(release, linksAbsent: true).TrimEnd()}}
            } || changed
            printf '%s\0' {{PartMarker}}
            find {{release}} -type l -printf '%P\0%l\0' || changed
            exit 0

            """).ToString();
    }
}
