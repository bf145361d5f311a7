using System.Collections.Concurrent;
using System.Diagnostics;
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

        var clock = Stopwatch.StartNew();
        var switchedAt = new ConcurrentBag<TimeSpan>();
        var switchFailures = HostParallel.Each(hosts, int.MaxValue, h =>
        {
            h.Switch(cancellationToken);
            switchedAt.Add(clock.Elapsed);
        });
        if (switchFailures.Count > 0)
        {
            // Hosts whose rename happened go back; the others never switched and are cleaned up by the abort that follows.
            slots?.Undo(hosts);
            SwitchBack(deployment, hosts.Where(h => h.Switched).ToArray(), hooks, switchFailures);
            Deployment.Fail(switchFailures, "Every host whose current had moved was switched back; the others never switched.");
        }

        deployment.Log.Info($"AtomicDeploy: current -> releases/{release} on {hosts.Count} host(s), all switched within {(switchedAt.Max() - switchedAt.Min()).TotalMilliseconds:0} ms.");
        var checkFailures = HostParallel.Each(hosts, int.MaxValue, h =>
        {
            if ((slots?.Flip(h, cancellationToken) ?? hooks[h].AfterSwitch(release, cancellationToken) ?? hooks[h].HealthCheck(release, cancellationToken)) is { } failure)
            {
                throw failure;
            }
        });
        if (checkFailures.Count > 0)
        {
            slots?.Undo(hosts);
            SwitchBack(deployment, hosts, hooks, checkFailures);
            Deployment.Fail(checkFailures, $"Every host was switched back to its previous release, and {release} is recorded as failed on every host.");
        }

        slots?.StopOld(hosts, cancellationToken);
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
