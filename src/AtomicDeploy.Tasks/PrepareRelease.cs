using AtomicDeploy.Core;
using AtomicDeploy.Core.History;
using AtomicDeploy.Core.Operations;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;
using Microsoft.Build.Framework;
using NuGet.Versioning;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Step 1: checks every setting of the deploy (so bad input never reaches a server), connects,
/// takes the deploy lock, and creates the new release as a copy of the live one.
/// </summary>
public sealed class PrepareRelease : HookedDeployTask
{
    /// <summary><c>hardlink</c> (default) or <c>copy</c>.</summary>
    public string? CopyMode { get; set; }

    /// <summary>The folder to deploy; checked here so a missing one fails before the server is touched.</summary>
    public string? SourceDir { get; set; }

    /// <summary>Checked here; used by PruneReleases.</summary>
    public string? KeepReleases { get; set; }

    /// <summary>Checked here; used by LinkShared.</summary>
    public string[]? SharedPaths { get; set; }

    /// <summary><c>AtomicDeployAllowLinksOutside</c>: deploy symlinked files whose target is outside the publish folder.</summary>
    public bool AllowLinksOutside { get; set; }

    /// <summary>The project folder, for git metadata.</summary>
    public string? ProjectDirectory { get; set; }

    /// <summary>The app's <c>$(Version)</c>, recorded in the history.</summary>
    public string? AppVersion { get; set; }

    /// <summary>Whether a lower <c>$(Version)</c> than the live release's may be deployed.</summary>
    public bool AllowDowngrade { get; set; }

    /// <summary>For a fleet: how many hosts are prepared and uploaded to at once (default: all).</summary>
    public string? Parallelism { get; set; }

    /// <summary>The new release's name.</summary>
    [Output]
    public string ReleaseName { get; private set; } = string.Empty;

    /// <summary>The release live before this deploy, or empty.</summary>
    [Output]
    public string PreviousRelease { get; private set; } = string.Empty;

    /// <inheritdoc />
    protected override void Run(string root, IDeployLog log)
    {
        var copyMode = (CopyMode ?? string.Empty).Trim().ToUpperInvariant() switch
        {
            "" or "HARDLINK" => Core.Remote.CopyMode.HardLink,
            "COPY" => Core.Remote.CopyMode.Copy,
            _ => throw new DeployException(ErrorCodes.CopyModeInvalid, $"AtomicDeployCopyMode is '{CopyMode}'; use hardlink (the default) or copy."),
        };
        WholeNumber(KeepReleases, 3, 1, ErrorCodes.KeepInvalid, "AtomicDeployKeepReleases");
        SharedPathList.Parse(SharedPaths);
        HookSettings();
        if (SourceDir is not null && !Directory.Exists(SourceDir))
        {
            throw new DeployException(ErrorCodes.SourceMissing, $"The folder to deploy, '{SourceDir}', does not exist. Check AtomicDeploySourceDir, or publish first.");
        }

        Core.Manifest.PublishFolderCheck.Check(SourceDir ?? string.Empty, AllowLinksOutside);

        var parallelism = WholeNumber(Parallelism, int.MaxValue, 1, ErrorCodes.ParallelismInvalid, "AtomicDeployParallelism");
        if (HostEntries.Count < 2)
        {
            ValidateConnection();
        }

        var version = NuGetVersion.TryParse(AppVersion, out var parsed) ? parsed.ToNormalizedString() : null;
        var git = string.IsNullOrEmpty(ProjectDirectory) ? null : GitMetadata.TryRead(ProjectDirectory, log);
        var context = new DeployContext(Environment.UserName, Environment.MachineName, version, git);

        if (HostEntries.Count > 1)
        {
            var fleet = OpenFleet(root, context, log, parallelism);
            if (version is not null && !AllowDowngrade)
            {
                fleet.Each(h => DowngradeGuard.Check(version, ServerInspection.Read(h.Session.Shell, root, withManifest: false, CommandTimeoutValue, CancellationToken).History, AllowDowngrade, $"{root} on {h.Name}"), "Nothing was changed on any host.");
            }

            ReleaseName = fleet.Prepare(copyMode, DateTime.UtcNow, CancellationToken);
            return;
        }

        var session = OpenSession(root, context, log);
        if (version is not null && !AllowDowngrade)
        {
            var history = ServerInspection.Read(session.Shell, root, withManifest: false, CommandTimeoutValue, CancellationToken).History;
            DowngradeGuard.Check(version, history, AllowDowngrade, $"{root} on {session.TargetName}");
        }

        ReleaseName = session.Prepare(copyMode, DateTime.UtcNow, CancellationToken);
        PreviousRelease = session.PreviousRelease ?? string.Empty;
    }
}
