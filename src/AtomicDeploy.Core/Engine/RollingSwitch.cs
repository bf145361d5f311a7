using System.Globalization;
using AtomicDeploy.Core.Operations;

namespace AtomicDeploy.Core.Engine;

/// <summary>
/// The switch of a rolling deploy (<c>AtomicDeployRollout=rolling</c>), once every host is ready:
/// the batches switch one after the other, in the hosts' order. A batch's hosts switch at once, then
/// run their after-switch command and health check (two-slot mode: their proxies flip); the next batch
/// starts only when every host of this one passed. The first batch is the canary. A failing batch is
/// switched back; the batches before it stay on the new release (they passed), the ones after it never
/// switch (the abort that follows removes their half-made release), and the deploy fails with
/// <see cref="ErrorCodes.RolloutBatchFailed"/>. Nothing is pruned then: the prune step never runs.
/// </summary>
internal static class RollingSwitch
{
    /// <summary>Switches <paramref name="batches"/> in order; throws <see cref="ErrorCodes.RolloutBatchFailed"/> when one fails.</summary>
    public static void Run(Deployment deployment, IReadOnlyList<IReadOnlyList<HostDeploy>> batches, Dictionary<HostDeploy, SwitchHooks> hooks, AppSlots? slots, CancellationToken cancellationToken)
    {
        var release = deployment.Release!;
        var count = batches.Count;
        deployment.Log.Summary($"AtomicDeploy: rolling deploy of release {release} in {count} batches: {Describe(batches)}.");
        for (var b = 0; b < count; b++)
        {
            var batch = batches[b];
            var label = Label(b, count);
            deployment.Log.Summary($"AtomicDeploy: {label}: switching {Names(batch)}.");

            // On a failure the proxies go back on this batch, and the new slots started on later batches stop.
            var later = batches.Skip(b + 1).SelectMany(x => x).ToArray();
            var (failures, _) = DeploymentSwitch.SwitchBatch(deployment, batch, [.. batch, .. later], hooks, slots, label + ": ", cancellationToken);
            if (failures.Count > 0)
            {
                Stop(deployment, batches, b, failures, slots, cancellationToken);
            }

            deployment.Log.Summary(b + 1 < count
                ? $"AtomicDeploy: {label} passed on {Names(batch)}; batch {b + 2} of {count} starts."
                : $"AtomicDeploy: {label} passed on {Names(batch)}; every batch is on release {release}.");
        }

        slots?.StopOld(deployment.Hosts, cancellationToken);
    }

    /// <summary>The batches for a log line: <c>1 (the canary): a, b; 2: c, d</c>.</summary>
    public static string Describe<T>(IReadOnlyList<IReadOnlyList<T>> batches, Func<T, string>? name = null)
    {
        name ??= h => h is HostDeploy host ? host.Name : h?.ToString() ?? string.Empty;
        return string.Join("; ", batches.Select((batch, i) => $"{(i + 1).ToString(CultureInfo.InvariantCulture)}{(i == 0 ? " (the canary)" : string.Empty)}: {string.Join(", ", batch.Select(name))}"));
    }

    /// <summary>Ends the rollout at failed batch <paramref name="failed"/>: records where each host is, and throws the coded error.</summary>
    private static void Stop(Deployment deployment, IReadOnlyList<IReadOnlyList<HostDeploy>> batches, int failed, IReadOnlyList<(HostDeploy Host, DeployException Error)> failures, AppSlots? slots, CancellationToken cancellationToken)
    {
        var release = deployment.Release!;
        var count = batches.Count;
        var label = Label(failed, count);
        var earlier = batches.Take(failed).SelectMany(x => x).ToArray();
        var later = batches.Skip(failed + 1).SelectMany(x => x).ToArray();

        // The hosts of earlier batches passed: their deploy is done, but for the prune (only a fully good rollout prunes).
        slots?.StopOld(earlier, cancellationToken);
        for (var b = 0; b < failed; b++)
        {
            foreach (var host in batches[b])
            {
                host.End($"deployed in batch {b + 1} of {count}; the rollout stopped at batch {failed + 1}, nothing pruned");
            }
        }

        var stopped = new DeployException(ErrorCodes.RolloutBatchFailed, $"Not switched: {label} failed before this host's batch began.");
        foreach (var host in later)
        {
            host.Failure ??= stopped;
        }

        var cause = string.Join(" ", failures.Select(f => $"[{f.Host.Name}] {(f.Host.Failure ?? f.Error).Code}: {(f.Host.Failure ?? f.Error).Message}"));
        var kept = earlier.Length == 0 ? "No host is on the new release (the canary failed)" : $"The hosts of the batches before stay on release {release}: {Names(earlier)}";
        var never = later.Length == 0 ? "there was no later batch" : $"the hosts of the later batches never switched and their half-made release is removed: {Names(later)}";
        // A host whose switch back failed too (or cannot be told) says so in its own cause.
        var stillLive = batches[failed].Where(h => h.Switched || h.SwitchUnknown).ToArray();
        var back = stillLive.Length == 0
            ? $"{char.ToUpperInvariant(label[0])}{label[1..]} was switched back to its previous release and records {release} as failed."
            : $"{char.ToUpperInvariant(label[0])}{label[1..]} was switched back but for {Names(stillLive)}, where {release} may still be live (see the cause).";
        deployment.Log.Summary($"AtomicDeploy: the rolling deploy stopped at {label}, which was switched back ({Names(batches[failed])}). {kept}; {never}.");
        throw new DeployException(ErrorCodes.RolloutBatchFailed,
            $"The rolling deploy of release {release} stopped at {label} ({Names(batches[failed])}): {cause} {back} {kept}; {never}. Fix the cause and deploy again, so every host runs one release.");
    }

    private static string Label(int batch, int count) =>
        $"batch {(batch + 1).ToString(CultureInfo.InvariantCulture)} of {count.ToString(CultureInfo.InvariantCulture)}{(batch == 0 ? " (the canary)" : string.Empty)}";

    private static string Names(IEnumerable<HostDeploy> hosts) => string.Join(", ", hosts.Select(h => h.Name));
}
