using AtomicDeploy.Core;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Operations;

namespace AtomicDeploy.Tasks;

/// <summary>
/// The dry run (<c>AtomicDeployDryRun=true</c>): connects, reads the deploy folder, and prints what a
/// deploy would do. Takes no lock, creates nothing and writes nothing on the server.
/// </summary>
public sealed class PlanDeploy : HookedDeployTask
{
    /// <summary>The folder that would be deployed.</summary>
    public string SourceDir { get; set; } = string.Empty;

    /// <summary>The files this publish lists (see <see cref="UploadChanged.PublishedFiles"/>).</summary>
    public string[]? PublishedFiles { get; set; }

    /// <summary>The record of earlier publishes' outputs (see <see cref="UploadChanged.PublishRecordFile"/>).</summary>
    public string? PublishRecordFile { get; set; }

    /// <summary>Releases that would be kept.</summary>
    public string? KeepReleases { get; set; }

    /// <summary>The declared shared paths.</summary>
    public string[]? SharedPaths { get; set; }

    /// <summary><c>AtomicDeployAllowLinksOutside</c>: deploy symlinked files whose target is outside the publish folder.</summary>
    public bool AllowLinksOutside { get; set; }

    /// <summary>The app's <c>$(Version)</c>.</summary>
    public string? AppVersion { get; set; }

    /// <summary>Whether a lower version than the live one may be deployed.</summary>
    public bool AllowDowngrade { get; set; }

    /// <inheritdoc />
    protected override void Run(string root, IDeployLog log)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var keep = WholeNumber(KeepReleases, 3, 1, ErrorCodes.KeepInvalid, "AtomicDeployKeepReleases");
        var hooks = HookSettings();
        Core.Planning.SharedPathList.Parse(SharedPaths);
        if (!Directory.Exists(SourceDir))
        {
            throw new DeployException(ErrorCodes.SourceMissing, $"The folder to deploy, '{SourceDir}', does not exist. Check AtomicDeploySourceDir, or publish first.");
        }

        Core.Manifest.PublishFolderCheck.Check(SourceDir, AllowLinksOutside);

        ValidateConnection();
        var stale = string.IsNullOrEmpty(PublishRecordFile)
            ? new HashSet<string>()
            : PublishOutputRecord.Stale(PublishRecordFile, PublishedFiles ?? [], SourceDir);
        using var shell = OpenShell();
        var request = new DryRunRequest(SourceDir, PublishOutputRecord.IncludeFilter(PublishRecordFile, stale), SharedPaths ?? [], keep, AppVersion, AllowDowngrade, hooks);
        DryRun.Run(shell, root, request, log, CommandTimeoutValue, clock.Elapsed, CancellationToken);
    }
}
