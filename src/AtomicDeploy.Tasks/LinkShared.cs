using AtomicDeploy.Core;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Step 3: creates the declared shared paths, then links everything in <c>shared/</c> into the new
/// release with relative symlinks, dropping down into folders the release also has.
/// </summary>
public sealed class LinkShared : DeployTask
{
    /// <summary>Paths to create in <c>shared/</c> if missing: a trailing <c>/</c> makes a folder, otherwise an empty file.</summary>
    public string[]? SharedPaths { get; set; }

    /// <summary>Links created (paths relative to the release).</summary>
    [Output]
    public string[] Links { get; private set; } = [];

    /// <summary>Checks shared paths before anything touches a server; returns them with <c>/</c> separators.</summary>
    internal static string[] Validate(string[]? sharedPaths)
    {
        // Written on Windows, 'App_Data\' means the folder App_Data: '\' is a separator here.
        var paths = (sharedPaths ?? []).Select(p => p.Trim().Replace('\\', '/')).ToArray();
        foreach (var path in paths)
        {
            if (!Core.Planning.DeployPath.TryNormaliseRelative(path, out _))
            {
                throw new DeployException(ErrorCodes.SharedPathInvalid, $"The shared path '{path}' in AtomicDeploySharedPaths must be relative and stay inside shared/ (no leading /, no '.' or '..').");
            }
        }

        return paths;
    }

    /// <inheritdoc />
    protected override void Run(string root, IDeployLog log)
    {
        var plan = CurrentSession(root).LinkShared(Validate(SharedPaths), CancellationToken);
        Links = plan.Links.Select(l => l.Path).ToArray();
    }
}
