namespace AtomicDeploy.Core.Planning;

/// <summary>
/// Published files that look like databases (SQLite, SQL Server LocalDB) and are not declared
/// shared. Such a file in the publish output either replaces the live database at a deploy (when
/// the developer's copy changed) or, unchanged, is hard-linked from the live release, so every
/// release writes into one file that the next changed copy replaces: users and data gone.
/// </summary>
public static class DatabaseFiles
{
    private static readonly string[] Extensions = [".db", ".sqlite", ".sqlite3", ".mdf", ".ldf"];

    // SQLite's write-ahead log and shared-memory index sit beside the database as <name>-wal, <name>-shm.
    private static readonly string[] Companions = ["-wal", "-shm"];

    /// <summary>
    /// The paths (relative, with <c>/</c>) among <paramref name="publishedFiles"/> that look like
    /// databases and lie outside <paramref name="sharedPaths"/> (as written in
    /// <c>AtomicDeploySharedPaths</c>: a trailing <c>/</c> marks a folder), in path order.
    /// </summary>
    public static IReadOnlyList<string> OutsideShared(IEnumerable<string> publishedFiles, IEnumerable<string> sharedPaths) =>
        OutsideShared(publishedFiles, SharedPathList.Parse(sharedPaths));

    /// <summary>The same, for shared paths already parsed.</summary>
    public static IReadOnlyList<string> OutsideShared(IEnumerable<string> publishedFiles, SharedPathList shared)
    {
        return publishedFiles
            .Where(LooksLikeDatabase)
            .Where(path => !shared.Files.Contains(path, StringComparer.Ordinal) && !shared.Folders.Any(folder => path.StartsWith(folder + "/", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Whether the file's name ends like a database or one of SQLite's companion files (case-insensitive).</summary>
    public static bool LooksLikeDatabase(string path)
    {
        // Every published file comes through here: read in place.
        var name = path.AsSpan(path.LastIndexOf('/') + 1);
        foreach (var companion in Companions)
        {
            if (name.EndsWith(companion, StringComparison.OrdinalIgnoreCase))
            {
                name = name[..^companion.Length];
                break;
            }
        }

        foreach (var extension in Extensions)
        {
            if (name.Length > extension.Length && name.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Logs the coded warning for each database file of <paramref name="publishedFiles"/> outside <paramref name="sharedPaths"/>.</summary>
    public static void Warn(IEnumerable<string> publishedFiles, IEnumerable<string> sharedPaths, IDeployLog log) =>
        Warn(publishedFiles, SharedPathList.Parse(sharedPaths), log);

    /// <summary>The same, for shared paths already parsed.</summary>
    public static void Warn(IEnumerable<string> publishedFiles, SharedPathList shared, IDeployLog log)
    {
        foreach (var path in OutsideShared(publishedFiles, shared))
        {
            var folder = path.Contains('/', StringComparison.Ordinal) ? path[..(path.LastIndexOf('/') + 1)] : null;
            log.Warning(ErrorCodes.DatabaseInRelease,
                $"'{path}' in the publish output looks like a database and is not declared shared: a deploy of a changed copy replaces the live one (and what users wrote in it), " +
                "an unchanged copy is shared by hard link between releases. " +
                $"Keep it out of the publish output (CopyToPublishDirectory=\"Never\") and declare it shared: <AtomicDeploySharedPaths>{folder ?? path}</AtomicDeploySharedPaths>.");
        }
    }
}
