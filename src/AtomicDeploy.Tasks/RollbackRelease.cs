using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Operations;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Switches <c>current</c> back, on every host, to the newest release that is good and older than
/// the live one everywhere, or to <see cref="RollbackTo"/>, with the deploy's atomic switch; records
/// it and runs the after-switch command. A release any host lacks is refused on all.
/// </summary>
public sealed class RollbackRelease : DeploymentTask
{
    /// <summary>The release to switch to (a name from the release list), or empty for the previous good one.</summary>
    public string? RollbackTo { get; set; }

    /// <summary>The release live after the rollback, on every host.</summary>
    [Output]
    public string LiveRelease { get; private set; } = string.Empty;

    /// <inheritdoc />
    protected override void Run(Deployment deployment) => LiveRelease = Rollback.Run(deployment, RollbackTo, CancellationToken);
}
