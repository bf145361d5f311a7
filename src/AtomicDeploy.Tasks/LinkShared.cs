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

    /// <inheritdoc />
    protected override void Run(string root, IDeployLog log)
    {
        if (CurrentFleet(root) is { } fleet)
        {
            fleet.LinkShared(SharedPaths ?? [], CancellationToken);
            return;
        }

        var plan = CurrentSession(root).LinkShared(SharedPaths ?? [], CancellationToken);
        Links = plan.Links.Select(l => l.Path).ToArray();
    }
}
