namespace AtomicDeploy.Core.Planning;

/// <summary>Which releases a prune deletes.</summary>
public static class PrunePlan
{
    /// <summary>
    /// Keeps the newest <paramref name="keep"/> releases by name and never the live one; folders
    /// whose names are not release names are never touched. Returns the names to delete, oldest first.
    /// </summary>
    public static IReadOnlyList<string> ReleasesToDelete(IEnumerable<string> releases, string? live, int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        return releases
            .Where(ReleaseName.IsReleaseName)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(name => name, StringComparer.Ordinal)
            .Skip(keep)
            .Where(name => !string.Equals(name, live, StringComparison.Ordinal))
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToArray();
    }
}
