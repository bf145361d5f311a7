using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// A task that works on the deployment <see cref="OpenDeployment"/> opened, named by its
/// <see cref="Handle"/>. A failure aborts the deployment: before the switch the half-made release is
/// removed on every host and the live one is left as it was; every connection is closed.
/// </summary>
public abstract class DeploymentTask : AtomicDeployTask
{
    /// <summary>The handle <see cref="OpenDeployment"/> output.</summary>
    [Required]
    public string Handle { get; set; } = string.Empty;

    /// <inheritdoc />
    protected sealed override void Run()
    {
        var entry = DeploymentRegistry.Find(BuildEngine4, Handle)
            ?? throw new DeployException(ErrorCodes.NoPreparedRelease,
                $"No deployment is open under the handle '{Handle}' in this build: run OpenDeployment first and pass its Handle output to this task.");

        // Errors point at the project OpenDeployment was given, unless this task names one itself.
        ProjectFile ??= entry.ProjectFile;
        entry.Deployment.LogTo(DeployLog);
        Run(entry.Deployment);
    }

    /// <summary>Does the task's step on every host of <paramref name="deployment"/>.</summary>
    protected abstract void Run(Deployment deployment);

    /// <summary>Ends the deployment: unregisters it and closes its connections (cleaning up an unfinished deploy first).</summary>
    protected void Close() => DeploymentRegistry.Remove(BuildEngine4, Handle)?.Dispose();

    /// <inheritdoc />
    private protected override void Fail(DeployException failure)
    {
        base.Fail(failure);
        if (DeploymentRegistry.Remove(BuildEngine4, Handle) is { } deployment)
        {
            deployment.LogTo(DeployLog);
            deployment.Abort(failure);
            deployment.Dispose();
        }
    }
}
