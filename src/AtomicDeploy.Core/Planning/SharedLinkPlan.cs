namespace AtomicDeploy.Core.Planning;

/// <summary>A symlink to create in the release: <see cref="Path"/> (relative to the release) pointing at <see cref="Target"/>.</summary>
public sealed record SharedLink(string Path, string Target);

/// <summary>
/// Which entries of <c>shared/</c> are linked into a release, by the DeployHQ rule: an entry the
/// release does not have is linked; a folder the release also has is entered, and its entries are
/// treated the same way, level by level; an entry the release has as a file (or a shared file the
/// release also has) is left as the release has it, and reported as a conflict.
/// </summary>
public sealed class SharedLinkPlan
{
    private SharedLinkPlan(IReadOnlyList<SharedLink> links, IReadOnlyList<string> conflicts, IReadOnlyList<string> droppedDown)
    {
        Links = links;
        Conflicts = conflicts;
        DroppedDown = droppedDown;
    }

    /// <summary>The links to create, in path order.</summary>
    public IReadOnlyList<SharedLink> Links { get; }

    /// <summary>Paths that exist in both and are left as the release has them.</summary>
    public IReadOnlyList<string> Conflicts { get; }

    /// <summary>Folders of <c>shared/</c> that the release also has, so the release keeps its own folder and only the entries below are linked.</summary>
    public IReadOnlyList<string> DroppedDown { get; }

    /// <summary>
    /// Plans the links. <paramref name="shared"/> and <paramref name="release"/> map each relative
    /// path in that tree to whether it is a folder (a symlink counts as a file).
    /// </summary>
    public static SharedLinkPlan Compute(IReadOnlyDictionary<string, bool> shared, IReadOnlyDictionary<string, bool> release)
    {
        var links = new List<SharedLink>();
        var conflicts = new List<string>();
        var droppedDown = new List<string>();
        var children = shared.Keys
            .GroupBy(ParentOf, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(p => p, StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

        var pending = new Stack<string>(Enumerable.Reverse(children.GetValueOrDefault(string.Empty, [])));
        while (pending.Count > 0)
        {
            var path = pending.Pop();
            if (!release.TryGetValue(path, out var releaseIsDirectory))
            {
                links.Add(new SharedLink(path, TargetFor(path)));
            }
            else if (shared[path] && releaseIsDirectory)
            {
                droppedDown.Add(path);
                foreach (var child in Enumerable.Reverse(children.GetValueOrDefault(path, [])))
                {
                    pending.Push(child);
                }
            }
            else
            {
                conflicts.Add(path);
            }
        }

        return new SharedLinkPlan(links, conflicts, droppedDown);
    }

    /// <summary>The relative target of a link at <paramref name="path"/> in <c>releases/&lt;name&gt;/</c> to <c>shared/&lt;path&gt;</c>.</summary>
    public static string TargetFor(string path)
    {
        var depth = path.Count(c => c == '/') + 2;
        return string.Concat(Enumerable.Repeat("../", depth)) + "shared/" + path;
    }

    private static string ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? string.Empty : path[..slash];
    }
}
