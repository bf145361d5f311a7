using AtomicDeploy.Core;
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
    /// The files this publish produced (relative to <see cref="SourceDir"/>, or full paths inside it). When given, a file in <see cref="SourceDir"/>
    /// is deployed only if it is listed or was written at or after <see cref="PublishStartedUtcTicks"/>:
    /// files an earlier publish left behind stay off the server.
    /// </summary>
    public string[]? PublishedFiles { get; set; }

    /// <summary>UTC ticks when this publish started.</summary>
    public string? PublishStartedUtcTicks { get; set; }

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
        var diff = session.Upload(SourceDir, PublishFilter(), CancellationToken);
        FilesAdded = diff.FilesAdded;
        FilesChanged = diff.FilesChanged;
        FilesRemoved = diff.Removed.Count;
        BytesSent = session.BytesSent;
    }

    private Func<string, FileInfo, bool>? PublishFilter()
    {
        if (PublishedFiles is not { Length: > 0 })
        {
            return null;
        }

        var source = Path.GetFullPath(SourceDir);
        var listed = PublishedFiles
            .Select(p => Path.IsPathRooted(p) ? Path.GetRelativePath(source, p) : p)
            .Select(p => p.Replace('\\', '/'))
            .ToHashSet(StringComparer.Ordinal);
        var started = long.TryParse(PublishStartedUtcTicks, out var ticks) ? new DateTime(ticks, DateTimeKind.Utc) : DateTime.MaxValue;
        return (path, file) => listed.Contains(path) || file.LastWriteTimeUtc >= started;
    }
}
