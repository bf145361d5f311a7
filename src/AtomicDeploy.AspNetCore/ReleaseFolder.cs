using System.Globalization;
using AtomicDeploy.Core.Manifest;

namespace AtomicDeploy.AspNetCore;

/// <summary>
/// Where a running app sits in an AtomicDeploy deploy folder: <c>&lt;path&gt;/releases/&lt;14-digit
/// name&gt;/</c>, with <c>&lt;path&gt;/current</c> (a link) and <c>&lt;path&gt;/shared</c> beside.
/// </summary>
/// <param name="DeployPath">The deploy folder (<c>AtomicDeployPath</c>), with every link resolved.</param>
/// <param name="Release">The release's name, its UTC stamp (<c>yyyyMMddHHmmss</c>).</param>
public sealed record ReleaseFolder(string DeployPath, string Release)
{
    /// <summary>The folder every release shares (<c>&lt;path&gt;/shared</c>).</summary>
    public string SharedPath => Path.Combine(DeployPath, "shared");

    /// <summary>This release's own folder.</summary>
    public string ReleasePath => Path.Combine(DeployPath, "releases", Release);

    /// <summary>
    /// The release that the first of <paramref name="candidates"/> (the content root, then the
    /// app's base folder) lies in, after resolving every link in it, or null when none is in a
    /// deploy folder. The app may be started through <c>current</c>, through the release's own
    /// path, or from a folder that links to either: all resolve to the same release.
    /// </summary>
    public static ReleaseFolder? Find(params string?[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (string.IsNullOrEmpty(candidate) || RealPath.Resolve(candidate) is not { } resolved)
            {
                continue;
            }

            if (FromResolved(resolved) is { } release)
            {
                return release;
            }
        }

        return null;
    }

    private static ReleaseFolder? FromResolved(string folder)
    {
        var release = new DirectoryInfo(folder);
        if (release.Parent is not { Name: "releases" } releases || releases.Parent is not { } root || !IsReleaseName(release.Name))
        {
            return null;
        }

        // A folder named releases/<stamp> alone is not enough: the deploy always creates shared/
        // and the current link beside it, which a random folder of that name would not have.
        var current = new FileInfo(Path.Combine(root.FullName, "current"));
        var shared = Path.Combine(root.FullName, "shared");
        return current.LinkTarget is not null && Directory.Exists(shared) ? new ReleaseFolder(root.FullName, release.Name) : null;
    }

    private static bool IsReleaseName(string name) =>
        name.Length == 14 && name.All(char.IsAsciiDigit) && DateTime.TryParseExact(name, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
}
