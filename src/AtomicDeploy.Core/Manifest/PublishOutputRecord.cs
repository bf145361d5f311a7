using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Core.Manifest;

/// <summary>
/// Tells the files an earlier <c>dotnet publish</c> left behind from the files this publish made.
/// <c>dotnet publish</c> does not empty its folder, so a file deleted from the project stays there.
/// After every publish the package's targets add the files it listed as its output to a record
/// (one per publish folder, beside the build's intermediate files). A file is stale when the record
/// knows it and this publish does not list it; any other file in the folder, listed or not, is
/// deployed, so nothing a publish writes unlisted (a custom target's output) is ever dropped.
/// </summary>
public static class PublishOutputRecord
{
    /// <summary>Paths are compared as the build machine's file system compares them (a Windows folder's without case).</summary>
    public static StringComparer PathComparer(string sourceDir) =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() || LocalPath.IsWindows(sourceDir) ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>
    /// The files (relative to <paramref name="sourceDir"/>) that <paramref name="recordFile"/> knows
    /// and <paramref name="current"/> (the items this publish listed) does not.
    /// </summary>
    public static IReadOnlySet<string> Stale(string recordFile, IEnumerable<string> current, string sourceDir)
    {
        if (!File.Exists(recordFile))
        {
            return new HashSet<string>(PathComparer(sourceDir));
        }

        var listed = Relative(current, sourceDir);
        var recorded = Relative(File.ReadAllLines(recordFile).Where(l => l.Length > 0), sourceDir);
        recorded.ExceptWith(listed);
        return recorded;
    }

    /// <summary>
    /// The include filter for a scan of the publish folder: every file but the stale ones (and,
    /// through the scanner, only folders holding a file). Null when there is no record, i.e. the
    /// folder deployed is not a publish output and deploys as it is, empty folders included.
    /// </summary>
    public static Func<string, FileInfo, bool>? IncludeFilter(string? recordFile, IReadOnlySet<string> stale) =>
        string.IsNullOrEmpty(recordFile) ? null : (path, _) => !stale.Contains(path);

    /// <summary>Turns the items MSBuild gives (full paths, or paths relative to the publish folder) into relative paths with <c>/</c>; paths outside it are dropped.</summary>
    public static HashSet<string> Relative(IEnumerable<string> items, string sourceDir)
    {
        if (LocalPath.IsWindows(sourceDir))
        {
            return WindowsRelative(items, sourceDir);
        }

        var source = Path.GetFullPath(sourceDir);
        return items
            .Select(p => Path.IsPathRooted(p) ? Path.GetRelativePath(source, p) : p)
            .Select(p => p.Replace('\\', '/'))
            .Where(p => !p.StartsWith("../", StringComparison.Ordinal) && p != ".." && !Path.IsPathRooted(p))
            .ToHashSet(PathComparer(sourceDir));
    }

    /// <summary>
    /// A Windows build's items (<c>C:\app\bin\Release\net10.0\publish\wwwroot\site.css</c>, or
    /// <c>wwwroot\site.css</c>): compared without case, as NTFS does, whatever machine reads them.
    /// </summary>
    private static HashSet<string> WindowsRelative(IEnumerable<string> items, string sourceDir)
    {
        var source = Segments(sourceDir);
        var relative = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items)
        {
            if (!LocalPath.IsWindows(item))
            {
                // Relative to the publish folder; a path that climbs out of it is dropped.
                if (!item.StartsWith('\\') && !item.StartsWith('/') && Segments(item) is { Count: > 0 } inside && inside[0] != "..")
                {
                    relative.Add(string.Join('/', inside));
                }

                continue;
            }

            var full = Segments(item);
            if (full.Count > source.Count && full.Take(source.Count).SequenceEqual(source, StringComparer.OrdinalIgnoreCase))
            {
                relative.Add(string.Join('/', full.Skip(source.Count)));
            }
        }

        return relative;
    }

    /// <summary>The parts of a Windows path (either separator; <c>\\?\</c> and <c>.</c> dropped, <c>..</c> applied; a leading <c>..</c> kept, as it leaves the folder).</summary>
    private static List<string> Segments(string path)
    {
        var parts = new List<string>();
        var text = path.StartsWith(@"\\?\", StringComparison.Ordinal) ? path[4..] : path;
        foreach (var part in text.Split(['\\', '/'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return parts;
    }
}
