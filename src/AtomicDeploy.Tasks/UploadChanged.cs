using System.Globalization;
using AtomicDeploy.Core.Engine;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Step 2: hashes what the project publishes once, and sends each host only its added and changed
/// files as one compressed tar stream (shared by hosts with the same changes); removed files are
/// deleted from the new release.
/// </summary>
public sealed class UploadChanged : DeploymentTask
{
    /// <summary>Files added, over every host.</summary>
    [Output]
    public int FilesAdded { get; private set; }

    /// <summary>Files changed (content or mode), over every host.</summary>
    [Output]
    public int FilesChanged { get; private set; }

    /// <summary>Files removed (folders not counted), over every host.</summary>
    [Output]
    public int FilesRemoved { get; private set; }

    /// <summary>Bytes sent (compressed), over every host.</summary>
    [Output]
    public long BytesSent { get; private set; }

    /// <summary>One item per host, with metadata <c>FilesAdded</c>, <c>FilesChanged</c>, <c>FilesRemoved</c> and <c>BytesSent</c>.</summary>
    [Output]
    public ITaskItem[] Hosts { get; private set; } = [];

    /// <inheritdoc />
    protected override void Run(Deployment deployment)
    {
        deployment.Upload(CancellationToken);
        FilesAdded = deployment.Hosts.Sum(h => h.Diff?.FilesAdded ?? 0);
        FilesChanged = deployment.Hosts.Sum(h => h.Diff?.FilesChanged ?? 0);
        FilesRemoved = deployment.Hosts.Sum(h => h.Diff?.FilesRemoved ?? 0);
        BytesSent = deployment.Hosts.Sum(h => h.BytesSent);
        Hosts = HostItems.Of(deployment, h =>
        [
            ("FilesAdded", Text(h.Diff?.FilesAdded ?? 0)),
            ("FilesChanged", Text(h.Diff?.FilesChanged ?? 0)),
            ("FilesRemoved", Text(h.Diff?.FilesRemoved ?? 0)),
            ("BytesSent", Text(h.BytesSent)),
        ]);
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
