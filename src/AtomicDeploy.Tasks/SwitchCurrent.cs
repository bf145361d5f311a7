using AtomicDeploy.Core;

namespace AtomicDeploy.Tasks;

/// <summary>Step 4: points <c>current</c> at the new release with one atomic rename.</summary>
public sealed class SwitchCurrent : DeployTask
{
    /// <inheritdoc />
    protected override void Run(string root, IDeployLog log) => CurrentSession(root).Switch(CancellationToken);
}
