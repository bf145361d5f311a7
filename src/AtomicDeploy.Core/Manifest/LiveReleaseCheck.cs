using System.Globalization;

namespace AtomicDeploy.Core.Manifest;

/// <summary>
/// Compares the live release's manifest with what its folder really holds, so the new release
/// (a copy of the live one) holds exactly what is published: a file that is missing or differs in
/// size, kind or mode is sent again, and anything the manifest does not list (a file the app wrote
/// into its release folder, say) is removed from the copy.
/// </summary>
public static class LiveReleaseCheck
{
    private const string Unverified = "unverified";

    /// <summary>
    /// The manifest to diff against: entries found intact as recorded, entries found different
    /// with an unverifiable hash (so they are replaced), and unlisted entries likewise (so they are
    /// removed unless published). <paramref name="listing"/> is <c>find -printf '%y %s %m %P\0'</c> output.
    /// An entry under a declared shared path (<paramref name="isShared"/>) that the folder does not
    /// hold is kept as recorded: the release links that path to <c>shared/</c>, so the published copy
    /// is not missing, and sending it again every deploy would only have it replaced by the link again.
    /// </summary>
    public static ReleaseManifest Effective(ReleaseManifest recorded, string listing, out int repaired, Func<string, bool>? isShared = null)
    {
        var onDisk = Listing(listing);
        var entries = new List<ManifestEntry>();
        repaired = 0;
        foreach (var entry in recorded.Entries)
        {
            if (!onDisk.TryGetValue(entry.Path, out var found))
            {
                if (isShared?.Invoke(entry.Path) == true)
                {
                    entries.Add(entry);
                    continue;
                }

                repaired++;
                continue;
            }

            var intact = found.IsDirectory == entry.IsDirectory && found.Mode == entry.Mode && (entry.IsDirectory || found.Size == entry.Size);
            repaired += intact ? 0 : 1;
            entries.Add(intact ? entry : new ManifestEntry(entry.Path, found.IsDirectory, found.IsDirectory ? 0 : found.Size, Unverified, found.Mode));
        }

        foreach (var (path, found) in onDisk.Where(f => !recorded.ByPath.ContainsKey(f.Key)))
        {
            repaired++;
            entries.Add(new ManifestEntry(path, found.IsDirectory, found.IsDirectory ? 0 : found.Size, Unverified, found.Mode));
        }

        return new ReleaseManifest(entries);
    }

    /// <summary>A <c>find -printf '%y %s %m %P\0'</c> listing by path: whether a folder, size, mode; malformed records are skipped.</summary>
    internal static Dictionary<string, (bool IsDirectory, long Size, int Mode)> Listing(string listing)
    {
        var onDisk = new Dictionary<string, (bool IsDirectory, long Size, int Mode)>(StringComparer.Ordinal);
        foreach (var record in listing.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = record.Split(' ', 4);
            if (parts.Length == 4
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var octal)
                && Planning.DeployPath.TryNormaliseRelative(parts[3], out var path) && path == parts[3])
            {
                onDisk[path] = (parts[0] == "d", size, Convert.ToInt32(octal.ToString(CultureInfo.InvariantCulture), 8));
            }
        }

        return onDisk;
    }
}
