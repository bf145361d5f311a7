namespace AtomicDeploy.Core.Manifest;

/// <summary>
/// What changes from the live release to the new one. Files whose content or mode changed are
/// sent again (never modified in place: the live release shares their inode through a hard link).
/// </summary>
public sealed class ManifestDiff
{
    private ManifestDiff(IReadOnlyList<ManifestEntry> added, IReadOnlyList<ManifestEntry> changed, IReadOnlyList<ManifestEntry> modeChanged, IReadOnlyList<string> removed, int filesRemoved, int unchanged)
    {
        FilesRemoved = filesRemoved;
        Added = added;
        Changed = changed;
        ModeChanged = modeChanged;
        Removed = removed;
        Unchanged = unchanged;
    }

    /// <summary>Entries that are new (including a path whose kind changed, file to folder or back).</summary>
    public IReadOnlyList<ManifestEntry> Added { get; }

    /// <summary>Files whose content changed.</summary>
    public IReadOnlyList<ManifestEntry> Changed { get; }

    /// <summary>Entries whose content is the same but whose mode changed.</summary>
    public IReadOnlyList<ManifestEntry> ModeChanged { get; }

    /// <summary>Paths of the live release that the new one does not have (or has as another kind).</summary>
    public IReadOnlyList<string> Removed { get; }

    /// <summary>Files the new release takes unchanged from the live one (folders not counted).</summary>
    public int Unchanged { get; }

    /// <summary>Files of the live release that the new one does not have, or has as a folder (folders not counted).</summary>
    public int FilesRemoved { get; }

    /// <summary>Files added (folders not counted).</summary>
    public int FilesAdded => Added.Count(e => !e.IsDirectory);

    /// <summary>Files sent again because their content or mode changed.</summary>
    public int FilesChanged => Changed.Count(e => !e.IsDirectory) + ModeChanged.Count(e => !e.IsDirectory);

    /// <summary>Every entry to send, in path order (folders before their content).</summary>
    public IReadOnlyList<ManifestEntry> ToSend =>
        Added.Concat(Changed).Concat(ModeChanged).OrderBy(e => e.Path, StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Paths to delete from the copied release before the new content lands: removed entries, and
    /// files about to be replaced (so each replacement is a new inode, never a write through a hard link).
    /// </summary>
    public IReadOnlyList<string> ToDelete =>
        Removed.Concat(Changed.Concat(ModeChanged).Where(e => !e.IsDirectory).Select(e => e.Path))
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToArray();

    /// <summary>
    /// <see cref="ToDelete"/> in two parts, each in path order: what must go before the new content
    /// lands (every path sent or placed again, and what lies under one of those or under a folder
    /// that is sent: its mode, read-only say, is set by the unpack), and the rest (removed entries
    /// only), which may go after it: that list can then travel compressed in the upload's archive.
    /// Nothing the new release has lies at or under a path of the second part.
    /// </summary>
    public (IReadOnlyList<string> First, IReadOnlyList<string> After) DeletionOrder()
    {
        var sent = ToSend.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        var first = new List<string>();
        var after = new List<string>();
        var firstSet = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in ToDelete)
        {
            // In path order, a folder comes before what lies under it.
            if (sent.Contains(path) || Ancestors(path).Any(a => sent.Contains(a) || firstSet.Contains(a)))
            {
                first.Add(path);
                firstSet.Add(path);
            }
            else
            {
                after.Add(path);
            }
        }

        return (first, after);
    }

    private static IEnumerable<string> Ancestors(string path)
    {
        for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
        {
            yield return path[..slash];
        }
    }

    /// <summary>Whether nothing is to be added, changed or removed.</summary>
    public bool IsEmpty => Added.Count == 0 && Changed.Count == 0 && ModeChanged.Count == 0 && Removed.Count == 0;

    /// <summary>Bytes of file content to send.</summary>
    public long BytesToSend => ToSend.Sum(e => e.Size);

    /// <summary>Every file this diff adds, changes or removes, with what happens to it (<c>add</c>, <c>change</c>, <c>remove</c>), for the build log.</summary>
    public IEnumerable<(string Verb, string Path)> Files() =>
        Added.Where(e => !e.IsDirectory).Select(e => ("add", e.Path))
            .Concat(Changed.Concat(ModeChanged).Where(e => !e.IsDirectory).Select(e => ("change", e.Path)))
            .Concat(Removed.Select(path => ("remove", path)));

    /// <summary>Compares the live manifest with the new one.</summary>
    public static ManifestDiff Compute(ReleaseManifest live, ReleaseManifest next)
    {
        var added = new List<ManifestEntry>();
        var changed = new List<ManifestEntry>();
        var modeChanged = new List<ManifestEntry>();
        var removed = new List<string>();
        var unchanged = 0;
        var filesRemoved = 0;

        foreach (var entry in next.Entries)
        {
            if (!live.ByPath.TryGetValue(entry.Path, out var old) || old.IsDirectory != entry.IsDirectory)
            {
                added.Add(entry);
            }
            else if (entry.ContentDiffers(old))
            {
                changed.Add(entry);
            }
            else if (entry.Mode != old.Mode)
            {
                modeChanged.Add(entry);
            }
            else if (!entry.IsDirectory)
            {
                unchanged++;
            }
        }

        foreach (var old in live.Entries)
        {
            if (!next.ByPath.TryGetValue(old.Path, out var entry) || entry.IsDirectory != old.IsDirectory)
            {
                removed.Add(old.Path);
                filesRemoved += old.IsDirectory ? 0 : 1;
            }
        }

        return new ManifestDiff(added, changed, modeChanged, removed, filesRemoved, unchanged);
    }
}
