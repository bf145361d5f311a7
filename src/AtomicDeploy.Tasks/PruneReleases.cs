using AtomicDeploy.Core.Engine;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Step 5: deletes old releases on every host (keeping the newest ones, never the live one),
/// releases the locks, prints the deploy's summary and closes the connections.
/// </summary>
public sealed class PruneReleases : DeploymentTask
{
    /// <summary>The release live on every host now: the new one, or when nothing changed the one that stayed live (empty if the hosts' differ).</summary>
    [Output]
    public string ReleaseName { get; private set; } = string.Empty;

    /// <summary>Releases deleted, on any host.</summary>
    [Output]
    public string[] PrunedReleases { get; private set; } = [];

    /// <summary>One item per host, with metadata <c>PrunedReleases</c> (<c>;</c>-separated) and <c>Release</c>.</summary>
    [Output]
    public ITaskItem[] Hosts { get; private set; } = [];

    /// <inheritdoc />
    protected override void Run(Deployment deployment)
    {
        deployment.Prune(CancellationToken);
        ReleaseName = deployment.Release ?? string.Empty;
        PrunedReleases = deployment.Hosts.SelectMany(h => h.Pruned).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        Hosts = HostItems.Of(deployment, h => [("PrunedReleases", string.Join(';', h.Pruned)), ("Release", h.Release ?? string.Empty)]);
        Close();
    }
}
