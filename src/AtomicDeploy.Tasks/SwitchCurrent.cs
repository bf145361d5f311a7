using AtomicDeploy.Core.Engine;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Step 4: runs the before-switch command on every host, points <c>current</c> at the new release
/// with one atomic rename on every host, then runs the after-switch command and the health check; if
/// anything fails after a rename, every host is switched back to its previous release and the build fails.
/// </summary>
public sealed class SwitchCurrent : DeploymentTask
{
    /// <inheritdoc />
    protected override void Run(Deployment deployment) => deployment.Switch(CancellationToken);
}
