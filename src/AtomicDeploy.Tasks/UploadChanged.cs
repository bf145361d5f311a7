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
    /// The files this publish lists as its output (relative to <see cref="SourceDir"/>, or full
    /// paths inside it). With <see cref="PublishRecordFile"/>, files that an earlier publish listed
    /// and this one does not are stale and are not deployed.
    /// </summary>
    public string[]? PublishedFiles { get; set; }

    /// <summary>Where the record of files earlier publishes listed is kept (in the intermediate folder).</summary>
    public string? PublishRecordFile { get; set; }

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
        var session = CurrentSession(root);
        var record = string.IsNullOrEmpty(PublishRecordFile) || PublishedFiles is null ? null : PublishOutputRecord.Load(PublishRecordFile);
        var current = PublishOutputRecord.Relative(PublishedFiles ?? [], SourceDir);
        var stale = record?.Stale(current) ?? new HashSet<string>();
        foreach (var path in stale.Where(p => File.Exists(Path.Combine(SourceDir, p))).Order(StringComparer.Ordinal))
        {
            log.Detail($"  not deployed: {path} (left in the publish folder by an earlier publish)");
        }

        var diff = session.Upload(SourceDir, stale.Count == 0 ? null : (path, _) => !stale.Contains(path), CancellationToken);
        record?.Save(current, SourceDir);
        FilesAdded = diff.FilesAdded;
        FilesChanged = diff.FilesChanged;
        FilesRemoved = diff.Removed.Count;
        BytesSent = session.BytesSent;
    }
}
