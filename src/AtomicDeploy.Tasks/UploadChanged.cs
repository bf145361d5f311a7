using AtomicDeploy.Core;
using AtomicDeploy.Core.Manifest;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Step 2: hashes what the project publishes, and sends only added and changed files to the new
/// release as one compressed tar stream; removed files are deleted from it.
/// </summary>
public sealed class UploadChanged : DeployTask
{
    /// <summary>The folder to deploy.</summary>
    [Required]
    public string SourceDir { get; set; } = string.Empty;

    /// <summary>
    /// The files this publish lists as its output (full paths inside <see cref="SourceDir"/>, or
    /// relative to it). With <see cref="PublishRecordFile"/>, files that the record knows and this
    /// publish does not list are stale and are not deployed.
    /// </summary>
    public string[]? PublishedFiles { get; set; }

    /// <summary>The record of the files earlier publishes to this folder listed (written by the package's targets after every publish).</summary>
    public string? PublishRecordFile { get; set; }

    /// <summary>The declared shared paths (<c>AtomicDeploySharedPaths</c>): a database file outside them is warned about.</summary>
    public string[]? SharedPaths { get; set; }

    /// <summary>Files added.</summary>
    [Output]
    public int FilesAdded { get; private set; }

    /// <summary>Files changed (content or mode).</summary>
    [Output]
    public int FilesChanged { get; private set; }

    /// <summary>Entries removed.</summary>
    [Output]
    public int FilesRemoved { get; private set; }

    /// <summary>Bytes sent (compressed).</summary>
    [Output]
    public long BytesSent { get; private set; }

    /// <inheritdoc />
    protected override void Run(string root, IDeployLog log)
    {
        var stale = string.IsNullOrEmpty(PublishRecordFile)
            ? new HashSet<string>()
            : PublishOutputRecord.Stale(PublishRecordFile, PublishedFiles ?? [], SourceDir);
        foreach (var path in stale.Where(p => File.Exists(Path.Combine(SourceDir, p))).Order(StringComparer.Ordinal))
        {
            log.Detail($"  not deployed: {path} (left in the publish folder by an earlier publish)");
        }

        var include = PublishOutputRecord.IncludeFilter(PublishRecordFile, stale);
        Core.Planning.DatabaseFiles.Warn(Core.Planning.DatabaseFiles.InFolder(SourceDir, include), SharedPaths ?? [], log);
        if (CurrentFleet(root) is { } fleet)
        {
            fleet.Upload(SourceDir, include, CancellationToken);
            BytesSent = fleet.Hosts.Sum(h => h.Session.BytesSent);
            return;
        }

        var session = CurrentSession(root);
        var diff = session.Upload(SourceDir, include, CancellationToken);
        FilesAdded = diff.FilesAdded;
        FilesChanged = diff.FilesChanged;
        FilesRemoved = diff.Removed.Count;
        BytesSent = session.BytesSent;
    }
}
