using AtomicDeploy.Core.Operations;

namespace AtomicDeploy.Core.Engine;

/// <summary>
/// Step 4 on every host: the before-switch command must pass on every host before any host switches;
/// then every host switches at once (whatever the parallelism bound, so hosts run different releases
/// for as short a time as possible); then every host runs its after-switch command and health check.
/// If a switch fails after its rename, or a command or check fails on any host, every host that
/// switched is switched back to its previous release. One host follows the same rules as many.
/// In two-slot mode (<see cref="AppSlots"/>) the new release starts and answers in every idle slot
/// before any switch, each proxy is pointed at it first thing after the switch, a failure puts every
/// proxy back on the old slot (still running), and only a good switch stops the old slots.
/// With <c>AtomicDeployRollout=rolling</c> and more than one batch, the switch goes batch by batch
/// (<see cref="RollingSwitch"/>); everything before it is the same.
/// </summary>
public static class DeploymentSwitch
{
    /// <summary>Runs the checked switch of <paramref name="deployment"/>.</summary>
    public static void Run(Deployment deployment, CancellationToken cancellationToken)
    {
        var hosts = deployment.Hosts;
        var release = deployment.Release!;
        var hooks = hosts.ToDictionary(h => h, h => new SwitchHooks(h.Shell, deployment.Settings.Root, h.Hooks, h.Log));
        deployment.Each(h => hooks[h].BeforeSwitch(release, cancellationToken));

        // The run-once command (a database migration) runs on one host, once every host is ready.
        RunOnce.Run(deployment, release, cancellationToken);

        // Two-slot mode: the new release runs and answers in every idle slot before any host switches.
        var slots = AppSlots.For(deployment.Settings);
        slots?.Start(hosts, release, cancellationToken);

        var batches = deployment.Settings.Rollout.Batches(hosts);
        if (batches.Count > 1)
        {
            RollingSwitch.Run(deployment, batches, hooks, slots, cancellationToken);
            return;
        }

        var (failures, switchFailed) = SwitchBatch(deployment, hosts, hosts, hooks, slots, string.Empty, cancellationToken);
        if (failures.Count > 0)
        {
            // A failed rename: the hosts whose rename happened went back; the others never switched and are cleaned up by the abort that follows.
            Deployment.Fail(failures, switchFailed
                ? "Every host whose current had moved was switched back; the others never switched."
                : $"Every host was switched back to its previous release, and {release} is recorded as failed on every host.");
        }

        slots?.StopOld(hosts, cancellationToken);
    }

    /// <summary>
    /// Switches <paramref name="batch"/> at once (whatever the parallelism bound), then runs each host's
    /// after-switch command and health check (in two-slot mode, first points its proxy at the new slot).
    /// On a failure the proxies of <paramref name="undo"/> go back and every host of the batch that
    /// switched is switched back. Returns the failures (none: the batch passed) and whether a switch
    /// itself failed.
    /// </summary>
    internal static (IReadOnlyList<(HostDeploy Host, DeployException Error)> Failures, bool SwitchFailed) SwitchBatch(
        Deployment deployment, IReadOnlyList<HostDeploy> batch, IReadOnlyList<HostDeploy> undo, Dictionary<HostDeploy, SwitchHooks> hooks, AppSlots? slots, string prefix, CancellationToken cancellationToken)
    {
        var release = deployment.Release!;
        var switchFailures = HostParallel.Each(batch, int.MaxValue, h =>
        {
            h.Switch(cancellationToken);
            h.SwitchedAt = deployment.Elapsed;
        });
        if (switchFailures.Count > 0)
        {
            slots?.Undo(undo);
            SwitchBack(deployment, batch.Where(h => h.Switched).ToArray(), hooks, switchFailures);
            return (switchFailures, true);
        }

        var times = batch.Select(h => h.SwitchedAt!.Value).ToArray();
        deployment.Log.Info($"AtomicDeploy: {prefix}current -> releases/{release} on {batch.Count} host(s), all switched within {(times.Max() - times.Min()).TotalMilliseconds:0} ms.");
        var checkFailures = HostParallel.Each(batch, int.MaxValue, h =>
        {
            if ((slots?.Flip(h, cancellationToken) ?? hooks[h].AfterSwitch(release, cancellationToken) ?? hooks[h].HealthCheck(release, cancellationToken)) is { } failure)
            {
                throw failure;
            }
        });
        if (checkFailures.Count > 0)
        {
            slots?.Undo(undo);
            SwitchBack(deployment, batch, hooks, checkFailures);
        }

        return (checkFailures, false);
    }

    private static void SwitchBack(Deployment deployment, IReadOnlyList<HostDeploy> hosts, Dictionary<HostDeploy, SwitchHooks> hooks, IReadOnlyList<(HostDeploy Host, DeployException Error)> failures)
    {
        foreach (var (host, error) in failures)
        {
            host.Failure ??= error;
        }

        var cause = failures[0].Error;
        HostParallel.Each(hosts, int.MaxValue, h =>
        {
            var failure = h.Failure ?? new DeployException(ErrorCodes.FleetHostFailed, $"Another host failed after the switch: {cause.Message}");
            var result = h.SwitchBack(hooks[h], failure, CancellationToken.None);
            if (h.Failure is not null)
            {
                h.Failure = result;
            }
        });
        deployment.Log.Summary($"AtomicDeploy: every host that had switched was switched back ({cause.Code}).");
    }
}
