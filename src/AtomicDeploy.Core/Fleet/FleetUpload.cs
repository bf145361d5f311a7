using System.Collections.Concurrent;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Upload;

namespace AtomicDeploy.Core.Fleet;

/// <summary>
/// Step 2 on a fleet: hosts whose changes are identical (same files to send, same paths to delete)
/// share one archive stream (<see cref="SharedUpload"/>), at most <c>parallelism</c> hosts per
/// stream; a host whose changes differ gets its own stream, as a single-host deploy does.
/// </summary>
internal static class FleetUpload
{
    /// <summary>Uploads <paramref name="next"/> to every host; returns the hosts that failed, with their failure.</summary>
    public static IReadOnlyList<(FleetHost Host, DeployException Error)> Run(IReadOnlyList<FleetHost> hosts, int parallelism, string sourceDir, ReleaseManifest next, IDeployLog log, CancellationToken cancellationToken)
    {
        var groups = Groups(hosts, next, parallelism);
        foreach (var group in groups.Where(g => g.Count > 1))
        {
            log.Info($"AtomicDeploy: one compressed stream for {group.Count} hosts with the same changes ({string.Join(", ", group.Select(h => h.Name))}).");
        }

        var failures = new ConcurrentBag<(FleetHost Host, DeployException Error)>();
        var largest = groups.Max(g => g.Count);
        var broken = FleetParallel.Each(groups, Math.Max(1, parallelism / largest), group =>
        {
            if (group.Count == 1)
            {
                Collect(failures, FleetParallel.Each(group, 1, h => h.Session.UploadScanned(sourceDir, next, cancellationToken)));
                return;
            }

            var release = group[0].Session.Release!;
            var diff = group[0].Session.PlanUpload(next);
            var shared = new SharedUpload(group.Count, output => ReleaseArchive.Write(output, sourceDir, release, diff, next, log, cancellationToken));
            Collect(failures, FleetParallel.Together(Enumerable.Range(0, group.Count).ToArray(), member =>
            {
                try
                {
                    group[member].Session.UploadScanned(sourceDir, next, input => shared.Join(member, input), cancellationToken);
                }
                finally
                {
                    shared.Leave(member);
                }
            }).Select(f => (group[f.Host], f.Error)));
        });
        Collect(failures, broken.SelectMany(b => b.Host.Select(h => (h, b.Error))));
        return [.. failures];
    }

    /// <summary>Hosts grouped by identical changes, in the given order, each group cut to at most <paramref name="parallelism"/> hosts.</summary>
    internal static IReadOnlyList<IReadOnlyList<FleetHost>> Groups(IReadOnlyList<FleetHost> hosts, ReleaseManifest next, int parallelism)
    {
        var groups = new List<(string? Release, ManifestDiff Diff, List<FleetHost> Hosts)>();
        foreach (var host in hosts)
        {
            var diff = host.Session.PlanUpload(next);
            var same = groups.FindIndex(g => g.Release == host.Session.Release && SameStream(g.Diff, diff));
            if (same < 0)
            {
                groups.Add((host.Session.Release, diff, [host]));
            }
            else
            {
                groups[same].Hosts.Add(host);
            }
        }

        return [.. groups.SelectMany(g => g.Hosts.Chunk(Math.Max(1, parallelism)))];
    }

    private static bool SameStream(ManifestDiff a, ManifestDiff b) =>
        a.ToSend.SequenceEqual(b.ToSend) && a.ToDelete.SequenceEqual(b.ToDelete, StringComparer.Ordinal);

    private static void Collect<T>(ConcurrentBag<T> bag, IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            bag.Add(item);
        }
    }
}
