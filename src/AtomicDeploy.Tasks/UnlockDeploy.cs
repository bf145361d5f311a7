using AtomicDeploy.Core;
using AtomicDeploy.Core.Remote;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Removes a deploy lock that a crashed or killed deploy left behind, and says whose it was.
/// Run it only when no deploy to the target is running.
/// </summary>
public sealed class UnlockDeploy : DeployTask
{
    /// <summary>Who held the lock that was removed, or empty when there was none.</summary>
    [Output]
    public string RemovedLockOwner { get; private set; } = string.Empty;

    /// <inheritdoc />
    protected override void Run(string root, IDeployLog log)
    {
        using var shell = OpenShell();
        var result = shell.Run(RemoteScripts.Unlock(root), null, CommandTimeoutValue, CancellationToken);
        var output = result.Output.Trim();
        if (result.ExitCode != 0)
        {
            throw new DeployException(ErrorCodes.RemoteFailed, $"Could not remove the lock in {root} on {shell.Name} (exit code {result.ExitCode}): {ServerText.OneLine(result.Error)}");
        }

        if (output.StartsWith("removed ", StringComparison.Ordinal))
        {
            RemovedLockOwner = ServerText.ForLog(output[8..]);
            log.Summary($"AtomicDeploy: removed the deploy lock of {root} on {shell.Name}; it was held by {RemovedLockOwner}.");
        }
        else
        {
            log.Summary($"AtomicDeploy: {root} on {shell.Name} has no deploy lock; nothing to remove.");
        }
    }
}
