using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Operations;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Removes a deploy lock that a crashed or killed deploy left behind, on every host, and says whose
/// it was. Run it only when no deploy to the hosts is running.
/// </summary>
public sealed class UnlockDeploy : DeploymentTask
{
    /// <summary>Who held the first lock that was removed, or empty when there was none (see <see cref="Hosts"/>).</summary>
    [Output]
    public string RemovedLockOwner { get; private set; } = string.Empty;

    /// <summary>One item per host, with metadata <c>RemovedLockOwner</c> (empty when it had no lock).</summary>
    [Output]
    public ITaskItem[] Hosts { get; private set; } = [];

    /// <inheritdoc />
    protected override void Run(Deployment deployment)
    {
        var removed = Unlock.Run(deployment, CancellationToken);
        RemovedLockOwner = deployment.Hosts.Select(h => removed.GetValueOrDefault(h)).FirstOrDefault(o => o is not null) ?? string.Empty;
        Hosts = HostItems.Of(deployment, h => [("RemovedLockOwner", removed.GetValueOrDefault(h) ?? string.Empty)]);
    }
}
