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
    public static ReleaseManifest Effective(ReleaseManifest recorded, ReadOnlySpan<char> listing, out int repaired, Func<string, bool>? isShared = null)
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

        // A release that holds what its manifest says (the usual case) keeps the manifest as it is.
        return repaired == 0 && entries.Count == recorded.Entries.Count ? recorded : new ReleaseManifest(entries);
    }

    /// <summary>A <c>find -printf '%y %s %m %P\0'</c> listing by path: whether a folder, size, mode; malformed records are skipped.</summary>
    internal static Dictionary<string, (bool IsDirectory, long Size, int Mode)> Listing(ReadOnlySpan<char> listing)
    {
        var onDisk = new Dictionary<string, (bool IsDirectory, long Size, int Mode)>(StringComparer.Ordinal);
        // Read in place: a 50,000-file release's listing is 2 MB, and only each path becomes a string.
        var rest = listing;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf('\0');
            var record = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (Fields(record) is { } found && Planning.DeployPath.TryNormaliseRelative(found.Path, out var path) && path == found.Path)
            {
                onDisk[path] = (found.IsDirectory, found.Size, found.Mode);
            }
        }

        return onDisk;
    }

    /// <summary>A record's four fields (<c>%y %s %m %P</c>; the path may hold spaces), or null when it is malformed.</summary>
    private static (bool IsDirectory, long Size, int Mode, string Path)? Fields(ReadOnlySpan<char> record)
    {
        var rest = record;
        if (!NextField(ref rest, out var type) || !NextField(ref rest, out var sizeText) || !NextField(ref rest, out var modeText)
            || !long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || !TryOctal(modeText, out var mode))
        {
            return null;
        }

        return (type.SequenceEqual("d"), size, mode, rest.ToString());
    }

    private static bool NextField(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> field)
    {
        var space = rest.IndexOf(' ');
        field = space < 0 ? [] : rest[..space];
        rest = space < 0 ? rest : rest[(space + 1)..];
        return space >= 0;
    }

    private static bool TryOctal(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var digit in digits)
        {
            if (digit is < '0' or > '7' || value > 0x7FFFFFF)
            {
                return false;
            }

            value = (value * 8) + (digit - '0');
        }

        return !digits.IsEmpty;
    }
}
