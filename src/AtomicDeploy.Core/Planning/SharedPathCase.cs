using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Planning;

/// <summary>
/// Declared shared paths that differ only in case from a path the deploy knows: one the live
/// release links to <c>shared/</c>, or one the publish output ships. On Linux <c>data/</c> and
/// <c>Data/</c> are two folders, so such a declaration makes a new, empty one in <c>shared/</c>
/// beside what the app uses, a typo rather than a wish.
/// </summary>
public static class SharedPathCase
{
    /// <summary>
    /// Warns (<see cref="ErrorCodes.SharedPathCaseDiffers"/>) for each declared path of
    /// <paramref name="shared"/> that one of <paramref name="known"/>, not itself declared, spells in
    /// another case (at every deploy, as long as the declaration stays); <paramref name="known"/> holds paths relative to the release (links of the live
    /// release to <c>shared/</c> and what the publish output ships), folders without a trailing <c>/</c>.
    /// </summary>
    public static void Warn(SharedPathList shared, IEnumerable<string> known, IDeployLog log)
    {
        var declared = shared.Folders.Select(f => (Path: f, Written: f + "/")).Concat(shared.Files.Select(f => (Path: f, Written: f))).ToArray();
        var spelled = new string?[declared.Length];
        // One pass over what is known (a large publish has tens of thousands of paths). A link to a
        // declared path is the declaration's own doing (after a first deploy with the typo, the live
        // release links both): only the others tell what the app uses.
        foreach (var path in known)
        {
            for (var i = 0; i < declared.Length; i++)
            {
                if (string.Equals(path, declared[i].Path, StringComparison.OrdinalIgnoreCase) && !shared.Covers(path)
                    && (spelled[i] is null || string.CompareOrdinal(path, spelled[i]) < 0))
                {
                    spelled[i] = path;
                }
            }
        }

        for (var i = 0; i < declared.Length; i++)
        {
            if (spelled[i] is { } other)
            {
                var (path, written) = declared[i];
                var meant = other + written[path.Length..];
                log.Warning(ErrorCodes.SharedPathCaseDiffers,
                    $"'{written}' is declared in AtomicDeploySharedPaths, but the app has '{ServerText.ForLog(meant)}': on Linux the case matters, so '{written}' is another path in shared/ (created empty), linked beside it. If '{ServerText.ForLog(meant)}' is meant, declare it so.");
            }
        }
    }
}
