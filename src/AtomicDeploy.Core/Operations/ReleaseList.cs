using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.History;

namespace AtomicDeploy.Core.Operations;

/// <summary>
/// Prints the releases of every host's deploy folder, newest first: name, live marker, time,
/// version, commit and outcome, one section per host. Reads only: takes no lock and changes nothing.
/// </summary>
public static class ReleaseList
{
    /// <summary>Reads and prints every host's releases; returns each host's history.</summary>
    public static IReadOnlyDictionary<HostDeploy, ReleaseHistory> Run(Deployment deployment, CancellationToken cancellationToken)
    {
        var root = deployment.Settings.Root;
        var histories = deployment.Each(h => ServerInspection.Read(h.Shell, root, withManifest: false, deployment.Settings.Timeouts.Command, cancellationToken).History, "Nothing was changed on any host.");

        // Printed in the hosts' order after all were read, so sections never interleave.
        foreach (var host in deployment.Hosts)
        {
            var history = histories[host];
            if (history.Releases.Count == 0)
            {
                deployment.Log.Summary($"AtomicDeploy: {root} on {host.Name} has no releases.");
                continue;
            }

            deployment.Log.Summary($"AtomicDeploy: releases in {root} on {host.Name} (* = live):");
            foreach (var line in history.ToTable())
            {
                deployment.Log.Summary(line);
            }

            if (history.Unreadable > 0)
            {
                deployment.Log.Info($"AtomicDeploy: {history.Unreadable} line(s) of the history in {root} on {host.Name} could not be read (torn by a full disk, or edited) and were skipped.");
            }
        }

        return histories;
    }
}
