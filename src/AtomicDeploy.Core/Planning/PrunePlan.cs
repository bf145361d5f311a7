namespace AtomicDeploy.Core.Planning;

/// <summary>Which old releases a deploy deletes.</summary>
public static class PrunePlan
{
    /// <summary>
    /// Keeps the newest <paramref name="keep"/> releases by name and never the live one; folders
    /// whose names are not release names are never touched. Returns the names to delete, oldest first.
    /// </summary>
    public static IReadOnlyList<string> ReleasesToDelete(IEnumerable<string> releases, string? live, int keep) =>
        ReleasesToDelete(releases, new HashSet<string>(StringComparer.Ordinal), live is null ? [] : [live], keep);

    /// <summary>
    /// Keeps the newest <paramref name="keep"/> good releases (a release with no history line counts as
    /// good: it may be one, and a deleted release cannot come back) and every release in
    /// <paramref name="kept"/> (the live one, the one live before the deploy, ones a process runs from);
    /// every <paramref name="failed"/> release not kept goes first and never takes a good one's place.
    /// Returns the names to delete, oldest first.
    /// </summary>
    public static IReadOnlyList<string> ReleasesToDelete(IEnumerable<string> releases, IReadOnlySet<string> failed, IReadOnlyCollection<string> kept, int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var names = releases.Where(ReleaseName.IsReleaseName).Distinct(StringComparer.Ordinal).ToArray();
        var good = names.Where(n => !failed.Contains(n)).OrderByDescending(n => n, StringComparer.Ordinal).Take(keep);
        var spared = new HashSet<string>(good.Concat(kept), StringComparer.Ordinal);
        return names.Where(n => !spared.Contains(n)).Order(StringComparer.Ordinal).ToArray();
    }
}
