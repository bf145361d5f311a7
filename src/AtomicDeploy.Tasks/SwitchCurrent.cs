using AtomicDeploy.Core;
using AtomicDeploy.Core.Operations;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Step 4: runs the before-switch command, points <c>current</c> at the new release with one atomic
/// rename, then runs the after-switch command and the health check; if either fails, the previous
/// release is put back and the build fails.
/// </summary>
public sealed class SwitchCurrent : HookedDeployTask
{
    /// <inheritdoc />
    protected override void Run(string root, IDeployLog log) => CheckedSwitch.Run(CurrentSession(root), HookSettings(), log, CancellationToken);
}
