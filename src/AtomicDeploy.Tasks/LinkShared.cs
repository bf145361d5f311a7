using AtomicDeploy.Core.Engine;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Step 3: creates the declared shared paths, then links everything in <c>shared/</c> into the new
/// release on every host with relative symlinks, dropping down into folders the release also has.
/// </summary>
public sealed class LinkShared : DeploymentTask
{
    /// <summary>Links created (paths relative to the release), on any host.</summary>
    [Output]
    public string[] Links { get; private set; } = [];

    /// <summary>One item per host, with metadata <c>Links</c> (<c>;</c>-separated).</summary>
    [Output]
    public ITaskItem[] Hosts { get; private set; } = [];

    /// <inheritdoc />
    protected override void Run(Deployment deployment)
    {
        deployment.LinkShared(CancellationToken);
        Links = deployment.Hosts.SelectMany(h => h.Links).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        Hosts = HostItems.Of(deployment, h => [("Links", string.Join(';', h.Links))]);
    }
}
