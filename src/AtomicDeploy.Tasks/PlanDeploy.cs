using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Operations;

namespace AtomicDeploy.Tasks;

/// <summary>
/// The dry run (<c>AtomicDeployDryRun=true</c>): reads every host's deploy folder and prints what a
/// deploy would do there. Takes no lock, creates nothing and writes nothing on any server.
/// </summary>
public sealed class PlanDeploy : DeploymentTask
{
    /// <inheritdoc />
    protected override void Run(Deployment deployment) => DryRun.Run(deployment, CancellationToken);
}
