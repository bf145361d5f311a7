using AtomicDeploy.Core;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Step 5: deletes old releases (keeping the newest <see cref="KeepReleases"/>, never the live one),
/// releases the lock, closes the connection and prints the deploy's summary.
/// </summary>
public sealed class PruneReleases : DeployTask
{
    /// <summary>Releases to keep, at least 1 (default 3).</summary>
    public string? KeepReleases { get; set; }

    /// <summary>Releases deleted.</summary>
    [Output]
    public string[] PrunedReleases { get; private set; } = [];

    /// <inheritdoc />
    protected override void Run(string root, IDeployLog log)
    {
        var keep = WholeNumber(KeepReleases, 3, 1, ErrorCodes.KeepInvalid, "AtomicDeployKeepReleases");
        if (CurrentFleet(root) is { } fleet)
        {
            fleet.Prune(keep, CancellationToken);
            CloseSession(root);
            return;
        }

        var session = CurrentSession(root);
        PrunedReleases = session.Prune(keep, CancellationToken).ToArray();
        var diff = session.Diff;
        log.Summary(
            $"AtomicDeploy: deployed release {session.Release} to {root} on {session.TargetName} " +
            $"({diff?.FilesAdded ?? 0} added, {diff?.FilesChanged ?? 0} changed, {diff?.Removed.Count ?? 0} removed, " +
            $"{DeploySession.Format(session.BytesSent)} sent) in {session.Elapsed.TotalSeconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)} s.");
        CloseSession(root);
    }
}
