namespace AtomicDeploy.Core.Manifest;

/// <summary>
/// Tells the files an earlier <c>dotnet publish</c> left behind from the files this publish made.
/// <c>dotnet publish</c> does not empty its folder, so a file deleted from the project stays there;
/// this record (kept beside the build's intermediate files) holds every file that some publish
/// listed as its output. A file is stale when it was listed before and is not listed now; any
/// other file in the folder, listed or not, is deployed, so nothing a publish writes unlisted
/// (a single-file bundle, a custom target's output) is ever dropped.
/// </summary>
public sealed class PublishOutputRecord
{
    private readonly string _file;
    private readonly HashSet<string> _recorded;

    private PublishOutputRecord(string file, HashSet<string> recorded)
    {
        _file = file;
        _recorded = recorded;
    }

    /// <summary>Reads the record; a missing file is an empty record (nothing is stale yet).</summary>
    public static PublishOutputRecord Load(string file) =>
        new(file, File.Exists(file) ? File.ReadAllLines(file).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal) : new HashSet<string>(StringComparer.Ordinal));

    /// <summary>The files, relative to the publish folder, that were listed before and are not in <paramref name="current"/>.</summary>
    public IReadOnlySet<string> Stale(IReadOnlySet<string> current) =>
        _recorded.Where(path => !current.Contains(path)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Adds <paramref name="current"/> to the record, forgets files no longer in <paramref name="sourceDir"/>, and saves it.</summary>
    public void Save(IReadOnlySet<string> current, string sourceDir)
    {
        var kept = _recorded.Union(current)
            .Where(path => File.Exists(Path.Combine(sourceDir, path)))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_file))!);
        File.WriteAllLines(_file, kept);
    }

    /// <summary>Turns the items MSBuild gives (full paths, or paths relative to the publish folder) into relative paths with <c>/</c>.</summary>
    public static IReadOnlySet<string> Relative(IEnumerable<string> items, string sourceDir)
    {
        var source = Path.GetFullPath(sourceDir);
        return items
            .Select(p => Path.IsPathRooted(p) ? Path.GetRelativePath(source, p) : p)
            .Select(p => p.Replace('\\', '/'))
            .Where(p => !p.StartsWith("../", StringComparison.Ordinal) && p != "..")
            .ToHashSet(StringComparer.Ordinal);
    }
}
