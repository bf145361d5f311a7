using AtomicDeploy.Core;
using AtomicDeploy.Core.Operations;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Prints the releases of the deploy folder, newest first: name, live marker, time, version, commit
/// and outcome. Reads only: takes no lock and changes nothing.
/// </summary>
public sealed class ListReleases : DeployTask
{
    /// <summary>The release names, newest first.</summary>
    [Output]
    public string[] Releases { get; private set; } = [];

    /// <summary>The live release, or empty.</summary>
    [Output]
    public string LiveRelease { get; private set; } = string.Empty;

    /// <inheritdoc />
    protected override void Run(string root, IDeployLog log)
    {
        using var shell = OpenShell();
        var history = ServerInspection.Read(shell, root, withManifest: false, CommandTimeoutValue, CancellationToken).History;
        Releases = history.Releases.Select(r => r.Name).ToArray();
        LiveRelease = history.Live?.Name ?? string.Empty;
        if (history.Releases.Count == 0)
        {
            log.Summary($"AtomicDeploy: {root} on {shell.Name} has no releases.");
            return;
        }

        log.Summary($"AtomicDeploy: releases in {root} on {shell.Name} (* = live):");
        foreach (var line in history.ToTable())
        {
            log.Summary(line);
        }
    }
}
