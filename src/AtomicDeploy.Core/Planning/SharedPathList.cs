namespace AtomicDeploy.Core.Planning;

/// <summary>
/// <c>AtomicDeploySharedPaths</c>, checked and split: paths relative to <c>shared/</c> that a trailing
/// <c>/</c> (or <c>\</c>, as written on Windows) marks as folders, the others as files.
/// </summary>
/// <param name="Folders">Folders to create in <c>shared/</c>.</param>
/// <param name="Files">Files to create in <c>shared/</c>.</param>
public sealed record SharedPathList(IReadOnlyList<string> Folders, IReadOnlyList<string> Files)
{
    /// <summary>Checks every path (relative, inside <c>shared/</c>) before anything touches a server; <paramref name="property"/> names the list in messages.</summary>
    public static SharedPathList Parse(IEnumerable<string>? paths, string property = "AtomicDeploySharedPaths")
    {
        var folders = new List<string>();
        var files = new List<string>();
        foreach (var raw in paths ?? [])
        {
            var slashed = raw.Trim().Replace('\\', '/');
            if (!DeployPath.TryNormaliseRelative(slashed, out var path))
            {
                throw new DeployException(ErrorCodes.SharedPathInvalid, $"The shared path '{raw}' in {property} must be relative and stay inside shared/ (no leading /, no '.' or '..').");
            }

            (slashed.EndsWith('/') ? folders : files).Add(path);
        }

        return new SharedPathList(folders, files);
    }

    /// <summary>Whether <paramref name="path"/> (relative to a release) is a declared shared path or lies inside a declared shared folder.</summary>
    public bool Covers(string path) =>
        Files.Contains(path, StringComparer.Ordinal)
        || Folders.Any(f => path == f || path.StartsWith(f + "/", StringComparison.Ordinal));

    /// <summary>Whether <paramref name="path"/> is a folder above a declared shared path (such a folder is always entered, never reported).</summary>
    public bool IsAbove(string path) =>
        Folders.Concat(Files).Any(p => p.StartsWith(path + "/", StringComparison.Ordinal));
}
