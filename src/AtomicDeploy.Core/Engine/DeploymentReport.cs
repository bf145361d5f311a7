using System.Globalization;

namespace AtomicDeploy.Core.Engine;

/// <summary>The deployment's summary in the build log: one line per host, and the closing line.</summary>
internal static class DeploymentReport
{
    /// <summary>Writes each host's line: host, release, files, bytes, time, how it ended.</summary>
    public static void HostLines(Deployment deployment)
    {
        foreach (var host in deployment.Hosts)
        {
            deployment.Log.Summary(host.SummaryLine());
        }
    }

    /// <summary>
    /// The line that ends a deploy, after the hosts' lines: the release, where it went, what changed, how
    /// long it took; for a fleet also the batches it switched in (1 when all at once) and the time from
    /// the first host's switch to the last one's. A single host reads as before: one host, one switch.
    /// </summary>
    public static string ClosingLine(Deployment deployment)
    {
        var hosts = deployment.Hosts;
        var where = hosts.Count == 1 ? hosts[0].Name : $"{hosts.Count} hosts{Fleet(deployment)}";
        return string.Create(CultureInfo.InvariantCulture,
            $"AtomicDeploy: deployed release {deployment.Release} to {deployment.Settings.Root} on {where} ({Changes(hosts, deployment.Settings.CopyMode)}) in {deployment.Elapsed.TotalSeconds:0.00} s.");
    }

    /// <summary>The fleet's part of the closing line: <c> in 2 batches, 1234 ms from the first switch to the last</c>.</summary>
    private static string Fleet(Deployment deployment)
    {
        var batches = deployment.Settings.Rollout.Batches(deployment.Hosts).Count;
        var times = deployment.Hosts.Select(h => h.SwitchedAt).OfType<TimeSpan>().ToArray();
        var spread = times.Length == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $", {(times.Max() - times.Min()).TotalMilliseconds:0} ms from the first switch to the last");
        return string.Create(CultureInfo.InvariantCulture, $" in {batches} {(batches == 1 ? "batch" : "batches")}{spread}");
    }

    /// <summary>The counts when every host had the same (the files taken from its earlier releases too), and the bytes sent in all.</summary>
    private static string Changes(IReadOnlyList<HostDeploy> hosts, Remote.CopyMode mode)
    {
        var sent = ByteSize.Format(hosts.Sum(h => h.BytesSent)) + " sent";
        var counts = hosts.Select(h => (Added: h.Diff?.FilesAdded ?? 0, Changed: h.Diff?.FilesChanged ?? 0, Removed: h.Diff?.FilesRemoved ?? 0)).Distinct().ToArray();
        // Hosts with the same changes may still differ in what they had to take them from (one lacks an older release).
        var reused = hosts.Select(h => h.Reused).Distinct().ToArray();
        var taken = reused.Length == 1 ? HostDeploy.ReusedPart(reused[0], mode) : $", some {HostDeploy.Placed(mode)} from earlier releases (each host's line says how many)";
        return counts.Length == 1
            ? $"{counts[0].Added} added, {counts[0].Changed} changed, {counts[0].Removed} removed{taken}, {sent}"
            : $"changes differ per host, {sent}";
    }
}
