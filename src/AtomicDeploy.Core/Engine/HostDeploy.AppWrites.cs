using System.Globalization;
using System.Text;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Remote;
using static AtomicDeploy.Core.Remote.ShellQuote;

namespace AtomicDeploy.Core.Engine;

/// <summary>Part of step 1: telling the user what the app wrote into the live release, which the new release does not keep.</summary>
public sealed partial class HostDeploy
{
    /// <summary>
    /// Warns (<see cref="ErrorCodes.AppWroteIntoRelease"/>) with the first names and counts of the
    /// entries the app added to or changed in the live release, and the fix. Under hard links a file
    /// changed in place is the same file in older releases: those are named too (one round trip,
    /// only then).
    /// </summary>
    private void ReportAppWrites(RemoteState remote, CancellationToken cancellationToken)
    {
        if (remote.RecordedManifest is null || remote.LiveRelease is null)
        {
            return;
        }

        var writes = AppWrites.Find(remote.RecordedManifest, remote.LiveListing, _settings.Shared.Covers);
        if (writes.None)
        {
            return;
        }

        var message = new StringBuilder().Append(CultureInfo.InvariantCulture, $"The app added {writes.Added.Count} and changed {writes.Changed.Count} entries in the live release releases/{remote.LiveRelease} on {Name}; they are not carried over: the new release holds exactly what is published.");
        if (writes.Added.Count > 0)
        {
            message.Append(CultureInfo.InvariantCulture, $" Added: {ServerText.ForLog(AppWrites.Names(writes.Added))}.");
        }

        if (writes.Changed.Count > 0)
        {
            message.Append(CultureInfo.InvariantCulture, $" Changed: {ServerText.ForLog(AppWrites.Names(writes.Changed))}.");
            var sharing = _settings.CopyMode == CopyMode.HardLink ? ReleasesSharing(remote.LiveRelease, writes.Changed.Take(AppWrites.Shown).ToArray(), cancellationToken) : [];
            if (sharing.Count > 0)
            {
                message.Append(CultureInfo.InvariantCulture, $" Changed in place through the hard links, so also changed in {string.Join("; ", sharing.Select(s => $"{ServerText.ForLog(s.Key)} of releases/{string.Join(", releases/", s.Value)}"))}.");
            }
        }

        message.Append(CultureInfo.InvariantCulture, $" Keep what the app writes in shared/: declare its folder or file in AtomicDeploySharedPaths (e.g. '{ServerText.ForLog(SharedPathFor(writes))}').");
        if (writes.Changed.Count > 0)
        {
            message.Append(" If the app must edit its own published files in place, set AtomicDeployCopyMode=copy so such a change stays in its own release.");
        }

        Log.Warning(ErrorCodes.AppWroteIntoRelease, message.ToString());
    }

    /// <summary>
    /// A shared path to suggest for what the app wrote: of what it added, the entry nearest the top
    /// (a file before a folder as deep): a folder as it is, a file's folder (a file at the top or of
    /// <c>wwwroot/</c> itself as it is); when it only changed published files, the first of them
    /// (a database it writes, say): sharing their folder would freeze the other published files.
    /// </summary>
    private static string SharedPathFor(AppWrites writes)
    {
        if (writes.Added.Count == 0)
        {
            return writes.Changed[0];
        }

        var top = writes.Added.OrderBy(p => p.TrimEnd('/').Count(c => c == '/')).ThenBy(p => p.EndsWith('/') ? 1 : 0).First();
        if (top.EndsWith('/'))
        {
            return top;
        }

        var slash = top.LastIndexOf('/');
        return slash < 0 || top[..slash] == "wwwroot" ? top : top[..(slash + 1)];
    }

    /// <summary>
    /// For each of <paramref name="changed"/>, the other releases that hold the same file (same inode)
    /// as the live one; not the release this deploy just made from it, whose copy is replaced.
    /// </summary>
    private Dictionary<string, List<string>> ReleasesSharing(string live, string[] changed, CancellationToken cancellationToken)
    {
        var script = new StringBuilder($"cd -- {Quote(_settings.Root)} || exit 0\nlive={Quote("releases/" + live)}\nnew={Quote("releases/" + (Release ?? live))}\ni=0\nfor p in");
        foreach (var path in changed)
        {
            script.Append(' ').Append(Quote(path));
        }

        script.Append("""
            ; do
              for r in releases/[0-9]*; do
                if [ "$r" != "$live" ] && [ "$r" != "$new" ] && [ -f "$r/$p" ] && [ ! -L "$r/$p" ] && [ "$r/$p" -ef "$live/$p" ]; then printf '%s %s\n' "$i" "${r#releases/}"; fi
              done
              i=$((i+1))
            done

            """);
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var line in Run("find the releases a changed file is shared with", script.ToString(), null, cancellationToken).Output.Split('\n'))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < changed.Length
                && parts[1].Length == 14 && parts[1].All(char.IsAsciiDigit))
            {
                if (!result.TryGetValue(changed[index], out var releases))
                {
                    result[changed[index]] = releases = [];
                }

                releases.Add(parts[1]);
            }
        }

        return result;
    }
}
