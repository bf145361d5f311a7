namespace AtomicDeploy.Core.Manifest;

/// <summary>
/// What the app (or someone on the server) added to or changed in the live release since it was
/// deployed, as the live-release check sees it: an entry its manifest does not list, or a listed
/// file whose size, kind or mode differs. Neither is carried over to the next release.
/// </summary>
/// <param name="Added">Entries the manifest does not list (a folder ends with <c>/</c>), in path order.</param>
/// <param name="Changed">Published files that differ from the manifest, in path order.</param>
public sealed record AppWrites(IReadOnlyList<string> Added, IReadOnlyList<string> Changed)
{
    /// <summary>How many names a warning shows of each list.</summary>
    public const int Shown = 20;

    /// <summary>Nothing added or changed.</summary>
    public bool None => Added.Count == 0 && Changed.Count == 0;

    /// <summary>
    /// Compares <paramref name="recorded"/> with <paramref name="listing"/> (see <see cref="LiveReleaseCheck.Listing"/>),
    /// leaving out the paths <paramref name="kept"/> says are carried over (under a declared shared
    /// path, they seed <c>shared/</c> or are already there).
    /// </summary>
    public static AppWrites Find(ReleaseManifest recorded, string listing, Func<string, bool>? kept = null)
    {
        kept ??= _ => false;
        var onDisk = LiveReleaseCheck.Listing(listing);
        var added = onDisk.Where(f => !recorded.ByPath.ContainsKey(f.Key) && !kept(f.Key))
            .Select(f => f.Value.IsDirectory ? f.Key + "/" : f.Key);
        var changed = recorded.Entries
            .Where(e => !kept(e.Path) && onDisk.TryGetValue(e.Path, out var found) && (found.IsDirectory != e.IsDirectory || (!e.IsDirectory && found.Size != e.Size)))
            .Select(e => e.Path);
        return new AppWrites(added.Order(StringComparer.Ordinal).ToArray(), changed.Order(StringComparer.Ordinal).ToArray());
    }

    /// <summary>Up to <see cref="Shown"/> names of <paramref name="paths"/>, and how many more there are.</summary>
    public static string Names(IReadOnlyList<string> paths) =>
        string.Join(", ", paths.Take(Shown)) + (paths.Count > Shown ? $" and {paths.Count - Shown} more" : string.Empty);
}
