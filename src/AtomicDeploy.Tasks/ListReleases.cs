using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Operations;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Prints the releases of every host's deploy folder, newest first: name, live marker, time,
/// version, commit and outcome, one section per host. Reads only: takes no lock and changes nothing.
/// </summary>
public sealed class ListReleases : DeploymentTask
{
    /// <summary>The release names on every host, newest first.</summary>
    [Output]
    public string[] Releases { get; private set; } = [];

    /// <summary>The live release when it is the same on every host, else empty (see <see cref="Hosts"/>).</summary>
    [Output]
    public string LiveRelease { get; private set; } = string.Empty;

    /// <summary>One item per host, with metadata <c>Releases</c> (<c>;</c>-separated, newest first) and <c>LiveRelease</c>.</summary>
    [Output]
    public ITaskItem[] Hosts { get; private set; } = [];

    /// <inheritdoc />
    protected override void Run(Deployment deployment)
    {
        var histories = ReleaseList.Run(deployment, CancellationToken);
        var names = deployment.Hosts.Select(h => histories[h].Releases.Select(r => r.Name)).Aggregate((a, b) => a.Intersect(b, StringComparer.Ordinal));
        Releases = names.ToArray();
        var live = deployment.Hosts.Select(h => histories[h].Live?.Name ?? string.Empty).Distinct().ToArray();
        LiveRelease = live.Length == 1 ? live[0] : string.Empty;
        Hosts = HostItems.Of(deployment, h => [("Releases", string.Join(';', histories[h].Releases.Select(r => r.Name))), ("LiveRelease", histories[h].Live?.Name ?? string.Empty)]);
    }
}
