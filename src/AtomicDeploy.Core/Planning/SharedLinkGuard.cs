using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Planning;

/// <summary>A link of the live release to <c>shared/</c>: its path in the release, and whether it reaches a folder.</summary>
/// <param name="Path">The link's path, relative to the release (and to <c>shared/</c>).</param>
/// <param name="IsFolder">Whether <c>shared/&lt;path&gt;</c> is a folder.</param>
public sealed record LiveSharedLink(string Path, bool IsFolder)
{
    /// <summary>How the line of each link starts (<see cref="ScriptFragments.LiveSharedLinks"/>).</summary>
    public const string Word = "link ";

    /// <summary>
    /// The link a line of <see cref="ScriptFragments.LiveSharedLinks"/> names (<see cref="Word"/>, the
    /// target's kind, its target, a tab, its path), or null when the line is another one, is malformed,
    /// or names a link this tool does not make (its target is not <see cref="SharedLinkPlan.TargetFor"/>
    /// its path): a link the app made in its release is not a shared path.
    /// </summary>
    public static LiveSharedLink? FromLine(string line)
    {
        if (!line.StartsWith(Word, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = line.AsSpan(Word.Length);
        var tab = rest.IndexOf('\t');
        if (rest.Length < 3 || rest[1] != ' ' || tab < 2)
        {
            return null;
        }

        var path = rest[(tab + 1)..];
        var target = rest[2..tab];
        if (!DeployPath.IsPlainRelative(path))
        {
            return null;
        }

        var found = path.ToString();
        return target.SequenceEqual(SharedLinkPlan.TargetFor(found)) ? new LiveSharedLink(found, rest[0] == 'd') : null;
    }
}

/// <summary>
/// Refuses a deploy that would hide what the app wrote in <c>shared/</c>: the live release links a
/// path there (declared in <c>AtomicDeploySharedPaths</c> then, or an entry of <c>shared/</c> that
/// release lacked), but the new release would hold a copy of its own at that path, because the
/// publish output ships it and <c>AtomicDeploySharedPaths</c> neither covers it nor declares a path
/// below it (which the new release still links, with the entries of the shared folder it lacks), a typo such as
/// <c>dta/</c> for <c>data/</c>, or a path dropped from the list. After the switch the app would
/// show the published copy and write into its release, which the next deploy drops; what users
/// wrote stays in <c>shared/</c>, unseen. Checked in step 1, before anything changes.
/// </summary>
public static class SharedLinkGuard
{
    /// <summary>
    /// Throws <see cref="ErrorCodes.SharedLinkWouldBeLost"/> naming the links of <paramref name="live"/>
    /// that the release of <paramref name="next"/> would replace with its own copy, unless
    /// <paramref name="shared"/> covers them (they stay linked) or <paramref name="unshared"/> does
    /// (the user stops sharing them on purpose).
    /// </summary>
    public static void Check(IReadOnlyList<LiveSharedLink> live, SharedPathList shared, SharedPathList unshared, ReleaseManifest next, string where)
    {
        var lost = live
            .Where(l => !shared.Covers(l.Path) && !shared.IsAbove(l.Path) && !unshared.Covers(l.Path))
            .Select(l => (Link: l, Ships: HoldsItsOwn(next, l.Path)))
            .Where(l => l.Ships is not null)
            .OrderBy(l => l.Link.Path, StringComparer.Ordinal)
            .ToArray();
        if (lost.Length == 0)
        {
            return;
        }

        var named = AppWrites.Names(lost.Select(l => $"{ServerText.ForLog(l.Link.Path)}{(l.Link.IsFolder ? "/" : string.Empty)} (the publish output ships {ServerText.ForLog(l.Ships)})").ToArray());
        var declare = string.Join(";", lost.Take(AppWrites.Shown).Select(l => l.Link.Path + (l.Link.IsFolder ? "/" : string.Empty))) + (lost.Length > AppWrites.Shown ? ";..." : string.Empty);
        var declared = shared.Folders.Select(f => f + "/").Concat(shared.Files).ToArray();
        throw new DeployException(ErrorCodes.SharedLinkWouldBeLost,
            $"The live release in {where} links {(lost.Length == 1 ? "this path" : "these paths")} to shared/, but the new release would hold the published copy instead: {named}. " +
            $"AtomicDeploySharedPaths {(declared.Length == 0 ? "is empty" : $"is '{string.Join(";", declared)}'")}, so after the switch the app would no longer see what it wrote in shared/ there, and what it writes next would be lost at the next deploy. " +
            $"If the app keeps its data there (a typo in AtomicDeploySharedPaths does this), declare it: add '{ServerText.ForLog(declare)}' to AtomicDeploySharedPaths. " +
            $"To stop sharing it on purpose, add it to AtomicDeployUnsharedPaths: the new release holds the published copy, and shared/ keeps what is there, untouched.");
    }

    /// <summary>
    /// The entry of <paramref name="next"/> that takes the place of a link at <paramref name="path"/>:
    /// the path itself, or a file where a folder above it is; null when the release would still link it.
    /// </summary>
    private static string? HoldsItsOwn(ReleaseManifest next, string path)
    {
        if (next.ByPath.ContainsKey(path))
        {
            return FirstFileUnder(next, path) ?? path;
        }

        for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
        {
            if (next.ByPath.TryGetValue(path[..slash], out var above) && !above.IsDirectory)
            {
                return above.Path;
            }
        }

        return null;
    }

    /// <summary>The first published file at or under <paramref name="path"/> (entries are sorted by path), to name in the message.</summary>
    private static string? FirstFileUnder(ReleaseManifest next, string path) =>
        next.Entries.FirstOrDefault(e => !e.IsDirectory && (e.Path == path || e.Path.StartsWith(path + "/", StringComparison.Ordinal)))?.Path;
}
