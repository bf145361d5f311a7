using System.Globalization;
using AtomicDeploy.Core.Planning;

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
        var onDisk = new ListingIndex(listing);
        var entries = new List<ManifestEntry>(recorded.Entries.Count);
        repaired = 0;
        foreach (var entry in recorded.Entries)
        {
            if (onDisk.Take(listing, entry.Path) is not { } found)
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

        foreach (var found in onDisk.NotTaken())
        {
            repaired++;
            entries.Add(new ManifestEntry(listing.Slice(found.Start, found.Length).ToString(), found.IsDirectory, found.IsDirectory ? 0 : found.Size, Unverified, found.Mode));
        }

        // A release that holds what its manifest says (the usual case) keeps the manifest as it is.
        return repaired == 0 && entries.Count == recorded.Entries.Count ? recorded : new ReleaseManifest(entries);
    }

    /// <summary>
    /// A <c>find -printf '%y %s %m %P\0'</c> listing by path: whether a folder, size, mode, and whether
    /// a symlink (<c>%y</c> is <c>l</c>: in a release, a link to <c>shared/</c>); malformed records are skipped.
    /// </summary>
    internal static Dictionary<string, (bool IsDirectory, long Size, int Mode, bool IsLink)> Listing(ReadOnlySpan<char> listing)
    {
        var onDisk = new Dictionary<string, (bool IsDirectory, long Size, int Mode, bool IsLink)>(StringComparer.Ordinal);
        foreach (var found in new ListingIndex(listing).NotTaken())
        {
            onDisk[listing.Slice(found.Start, found.Length).ToString()] = (found.IsDirectory, found.Size, found.Mode, found.IsLink);
        }

        return onDisk;
    }

    /// <summary>
    /// A listing's well-formed records, found by path where they lie in the listing: a 50,000-file
    /// release's listing is 2 MB, and a string and a dictionary entry for each of its paths were
    /// most of what the check of an unchanged deploy allocated. A path listed twice counts once, as
    /// its last record.
    /// </summary>
    private sealed class ListingIndex
    {
        private readonly List<Record> _records;
        private readonly int[] _buckets;
        private readonly int[] _next;
        private readonly bool[] _taken;

        public ListingIndex(ReadOnlySpan<char> listing)
        {
            _records = new List<Record>(listing.Count('\0') + 1);
            var offset = 0;
            while (offset < listing.Length)
            {
                var end = listing[offset..].IndexOf('\0');
                var length = end < 0 ? listing.Length - offset : end;
                if (Fields(listing.Slice(offset, length), offset) is { } found && DeployPath.IsPlainRelative(listing.Slice(found.Start, found.Length)))
                {
                    _records.Add(found);
                }

                offset += length + 1;
            }

            _buckets = new int[Math.Max(1, _records.Count)];
            _next = new int[_records.Count];
            _taken = new bool[_records.Count];
            Array.Fill(_buckets, -1);
            for (var i = 0; i < _records.Count; i++)
            {
                var path = listing.Slice(_records[i].Start, _records[i].Length);
                var bucket = Bucket(path);
                if (Find(listing, path, bucket) is var same and >= 0)
                {
                    // Listed twice: the last record stands, and the path is one entry.
                    _taken[same] = true;
                }

                _next[i] = _buckets[bucket];
                _buckets[bucket] = i;
            }
        }

        /// <summary>The record of <paramref name="path"/>, marked as taken, or null when the listing does not hold it.</summary>
        public Record? Take(ReadOnlySpan<char> listing, string path)
        {
            var at = Find(listing, path, Bucket(path));
            if (at < 0)
            {
                return null;
            }

            _taken[at] = true;
            return _records[at];
        }

        /// <summary>The records no <see cref="Take"/> asked for, in listing order.</summary>
        public IEnumerable<Record> NotTaken()
        {
            for (var i = 0; i < _records.Count; i++)
            {
                if (!_taken[i])
                {
                    yield return _records[i];
                }
            }
        }

        private int Bucket(ReadOnlySpan<char> path) => (int)((uint)string.GetHashCode(path) % (uint)_buckets.Length);

        private int Find(ReadOnlySpan<char> listing, ReadOnlySpan<char> path, int bucket)
        {
            for (var i = _buckets[bucket]; i >= 0; i = _next[i])
            {
                if (!_taken[i] && listing.Slice(_records[i].Start, _records[i].Length).SequenceEqual(path))
                {
                    return i;
                }
            }

            return -1;
        }
    }

    /// <summary>A well-formed record: whether a folder (or a symlink), its size and mode, and where its path lies in the listing.</summary>
    private readonly record struct Record(bool IsDirectory, long Size, int Mode, int Start, int Length, bool IsLink);

    /// <summary>A record's four fields (<c>%y %s %m %P</c>; the path may hold spaces), or null when it is malformed; <paramref name="offset"/> is where the record starts in the listing.</summary>
    private static Record? Fields(ReadOnlySpan<char> record, int offset)
    {
        var rest = record;
        if (!NextField(ref rest, out var type) || !NextField(ref rest, out var sizeText) || !NextField(ref rest, out var modeText)
            || !long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || !TryOctal(modeText, out var mode))
        {
            return null;
        }

        return new Record(type.SequenceEqual("d"), size, mode, offset + record.Length - rest.Length, rest.Length, type.SequenceEqual("l"));
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
