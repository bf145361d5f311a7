using AtomicDeploy.Core;
using AtomicDeploy.Core.History;
using AtomicDeploy.Core.Operations;
using AtomicDeploy.Core.Remote;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Switches <c>current</c> back to the newest good release older than the live one, or to
/// <see cref="RollbackTo"/>, with the deploy's atomic switch; records it and runs the after-switch command.
/// </summary>
public sealed class RollbackRelease : HookedDeployTask
{
    /// <summary>The release to switch to (a name from the release list), or empty for the previous good one.</summary>
    public string? RollbackTo { get; set; }

    /// <summary>The release live after the rollback.</summary>
    [Output]
    public string LiveRelease { get; private set; } = string.Empty;

    /// <inheritdoc />
    protected override void Run(string root, IDeployLog log)
    {
        var hooks = HookSettings();
        ValidateConnection();
        using var shell = OpenShell();
        var context = new DeployContext(Environment.UserName, Environment.MachineName, null, null);
        LiveRelease = Rollback.Run(shell, root, RollbackTo, context, hooks, log, new RemoteTimeouts(CommandTimeoutValue, LockWaitValue), CancellationToken);
    }
}
