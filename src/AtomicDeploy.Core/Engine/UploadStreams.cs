using System.Collections.Concurrent;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Upload;

namespace AtomicDeploy.Core.Engine;

/// <summary>
/// Step 2 on every host: hosts whose changes are identical (same files to send, same paths to delete, and servers that unpack the same compression)
/// share one archive stream (<see cref="SharedUpload"/>), at most <c>parallelism</c> hosts per
/// stream; a host whose changes differ gets its own stream, as a lone host does. A shared stream
/// leaves out only the files every host of its group can take from its own kept releases
/// (<see cref="ContentReuse.Common"/>); a host that then refuses one (its copy proves different) is
/// sent it alone, after the shared stream.
/// </summary>
internal static class UploadStreams
{
    /// <summary>Uploads <paramref name="next"/> to every host; returns the hosts that failed, with their failure.</summary>
    public static IReadOnlyList<(HostDeploy Host, DeployException Error)> Run(IReadOnlyList<HostDeploy> hosts, int parallelism, string sourceDir, ReleaseManifest next, IDeployLog log, CancellationToken cancellationToken)
    {
        var groups = Groups(hosts, next, parallelism);
        foreach (var group in groups.Where(g => g.Count > 1))
        {
            log.Info($"AtomicDeploy: one compressed stream for {group.Count} hosts with the same changes ({string.Join(", ", group.Select(h => h.Name))}).");
        }

        var failures = new ConcurrentBag<(HostDeploy Host, DeployException Error)>();
        var largest = groups.Max(g => g.Count);
        var broken = HostParallel.Each(groups, Math.Max(1, parallelism / largest), group =>
        {
            if (group.Count == 1)
            {
                Collect(failures, HostParallel.Each(group, 1, h => h.Upload(sourceDir, next, null, null, cancellationToken)));
                return;
            }

            var release = group[0].Release!;
            var diff = group[0].PlanUpload(next);
            var reused = ContentReuse.Common(group.Select(h => h.PlanReuse(diff)).ToArray());
            var shared = new SharedUpload(group.Count, output => ReleaseArchive.Write(output, sourceDir, release, diff, reused, next, group[0].Compression, log, cancellationToken));
            Collect(failures, HostParallel.Together(Enumerable.Range(0, group.Count).ToArray(), member =>
            {
                try
                {
                    group[member].Upload(sourceDir, next, reused, input => shared.Join(member, input), cancellationToken);
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
    internal static IReadOnlyList<IReadOnlyList<HostDeploy>> Groups(IReadOnlyList<HostDeploy> hosts, ReleaseManifest next, int parallelism)
    {
        var groups = new List<(string? Release, ManifestDiff Diff, List<HostDeploy> Hosts)>();
        foreach (var host in hosts)
        {
            var diff = host.PlanUpload(next);
            var same = groups.FindIndex(g => g.Release == host.Release && g.Hosts[0].Compression == host.Compression && SameStream(g.Diff, diff));
            if (same < 0)
            {
                groups.Add((host.Release, diff, [host]));
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
