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

    /// <summary>Printed first (a NUL-terminated record) when a declared shared path is not yet as a deploy would leave it.</summary>
    public const string DeclaredMissing = "atomicdeploy-declared-missing";

    /// <summary>
    /// Run under the lock; changes nothing. Prints, NUL-terminated: <see cref="DeclaredMissing"/> if a
    /// declared shared path is missing from <c>shared/</c>, goes through a symlink there, or is not a
    /// link in the live release (a deploy would create, refuse or seed it); then what
    /// <see cref="RemoteScripts.ReadState"/> lists of the live release (kind, size, mode, path);
    /// then <see cref="PartMarker"/> and what <see cref="ScriptFragments.ListSharedFrontier"/> prints
    /// for a copy of the live release (its links left out); then <see cref="PartMarker"/> and each
    /// symlink of the live release as its path and target.
    /// </summary>
    public static string Check(string root, string live, SharedPathList shared)
    {
        var release = Quote("releases/" + live);
        var script = new StringBuilder("set -eu\n").Append(CultureInfo.InvariantCulture, $"cd -- {Quote(root)}\ntop=$(pwd -P)\n");
        script.Append(CultureInfo.InvariantCulture, $"if [ ! -d shared ] || [ -L shared ]; then printf '%s\\0' {DeclaredMissing}; exit 0; fi\n");
        foreach (var (path, kind) in shared.Folders.Select(f => (f, "d")).Concat(shared.Files.Select(f => (f, "f"))))
        {
            var inShared = Quote("shared/" + path);
            var parent = Quote(path.Contains('/', StringComparison.Ordinal) ? "shared/" + path[..path.LastIndexOf('/')] : "shared");
            script.Append(CultureInfo.InvariantCulture, $"""
                if [ -{kind} {inShared} ] && [ ! -L {inShared} ] && [ -L {Quote("releases/" + live + "/" + path)} ] && [ "$(cd -P -- {parent} 2>/dev/null && pwd)" = "$top"/{parent} ]; then :; else printf '%s\0' {DeclaredMissing}; fi

                """);
        }

        return script.Append(CultureInfo.InvariantCulture, $"""
            find {release}/ -mindepth 1 ! -type l -printf '%y %s %m %P\0'
            printf '%s\0' {PartMarker}
            {ScriptFragments.ListSharedFrontier(release, linksAbsent: true).TrimEnd()}
            printf '%s\0' {PartMarker}
            find {release} -type l -printf '%P\0%l\0'

            """).ToString();
    }
}
