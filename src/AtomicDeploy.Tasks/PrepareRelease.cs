using AtomicDeploy.Core.Engine;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Step 1: takes the deploy lock on every host where OpenDeployment did not take it on connecting
/// (and reports one it could not take there), checks the downgrade guard, reads the publish
/// folder, and creates the new release, under one name, as a copy of each host's live one; when
/// nothing changed on any host, it makes none and the later steps do nothing.
/// </summary>
public sealed class PrepareRelease : DeploymentTask
{
    /// <summary>The new release's name, the same on every host; empty when nothing changed (no release was made).</summary>
    [Output]
    public string ReleaseName { get; private set; } = string.Empty;

    /// <summary>The release live before this deploy when every host had the same one, else empty (see <see cref="Hosts"/>).</summary>
    [Output]
    public string PreviousRelease { get; private set; } = string.Empty;

    /// <summary>One item per host, with metadata <c>PreviousRelease</c>.</summary>
    [Output]
    public ITaskItem[] Hosts { get; private set; } = [];

    /// <inheritdoc />
    protected override void Run(Deployment deployment)
    {
        ReleaseName = deployment.Prepare(DateTime.UtcNow, CancellationToken);
        var previous = deployment.Hosts.Select(h => h.PreviousRelease ?? string.Empty).Distinct().ToArray();
        PreviousRelease = previous.Length == 1 ? previous[0] : string.Empty;
        Hosts = HostItems.Of(deployment, h => [("PreviousRelease", h.PreviousRelease ?? string.Empty)]);
    }
}
