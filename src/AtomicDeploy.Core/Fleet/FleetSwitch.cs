using System.Diagnostics;
using AtomicDeploy.Core.Operations;

namespace AtomicDeploy.Core.Fleet;

/// <summary>
/// The fleet's switch: the before-switch command must pass on every host before any host switches;
/// then every host switches at once (whatever the parallelism bound, so the fleet is mixed for as
/// short a time as possible); then every host runs its after-switch command and health check. If
/// either fails on any host, every host is switched back to its previous release.
/// </summary>
public static class FleetSwitch
{
    /// <summary>Runs step 4 on every host of <paramref name="fleet"/>.</summary>
    public static void Run(FleetSession fleet, SwitchHookSettings settings, CancellationToken cancellationToken)
    {
        var hooks = fleet.Hosts.ToDictionary(h => h, h => new SwitchHooks(h.Session.Shell, h.Session.Root, settings, h.Log));
        fleet.Each(h => hooks[h].BeforeSwitch(h.Session.Release!, cancellationToken));

        var clock = Stopwatch.StartNew();
        var switchedAt = new System.Collections.Concurrent.ConcurrentBag<TimeSpan>();
        var switchFailures = FleetParallel.Each(fleet.Hosts, int.MaxValue, h =>
        {
            h.Session.Switch(cancellationToken);
            switchedAt.Add(clock.Elapsed);
        });
        if (switchFailures.Count > 0)
        {
            // Hosts that did switch go back; the ones that did not are cleaned up by the abort that follows.
            Fail(switchFailures);
            SwitchBackAll(fleet, fleet.Hosts.Where(h => h.Session.Stage == DeployStage.Switched).ToArray(), hooks, switchFailures[0].Error);
            throw Combined(switchFailures, "The hosts that had switched were switched back; the others never switched.");
        }

        fleet.Log.Summary($"AtomicDeploy: current -> releases/{fleet.Release} on all {fleet.Hosts.Count} hosts, all switched within {(switchedAt.Max() - switchedAt.Min()).TotalMilliseconds:0} ms.");
        var checkFailures = FleetParallel.Each(fleet.Hosts, int.MaxValue, h =>
        {
            if ((hooks[h].AfterSwitch(h.Session.Release!, cancellationToken) ?? hooks[h].HealthCheck(h.Session.Release!, cancellationToken)) is { } failure)
            {
                throw failure;
            }
        });
        if (checkFailures.Count > 0)
        {
            Fail(checkFailures);
            SwitchBackAll(fleet, fleet.Hosts, hooks, checkFailures[0].Error);
            throw Combined(checkFailures, $"Every host was switched back to its previous release, and {fleet.Release} is recorded as failed on every host.");
        }
    }

    private static void SwitchBackAll(FleetSession fleet, IReadOnlyList<FleetHost> hosts, Dictionary<FleetHost, SwitchHooks> hooks, DeployException cause)
    {
        FleetParallel.Each(hosts, int.MaxValue, h =>
        {
            var failure = h.Failure ?? new DeployException(ErrorCodes.FleetHostFailed, $"Another host of the fleet failed after the switch: {cause.Message}");
            var result = CheckedSwitch.SwitchBack(h.Session, hooks[h], failure, h.Log, CancellationToken.None);
            h.End(ReferenceEquals(result, failure)
                ? h.Session.PreviousRelease is null ? $"live, failed ({failure.Code}): no previous release to switch back to" : $"switched back to {h.Session.PreviousRelease} ({failure.Code})"
                : $"STILL LIVE: switching back failed ({failure.Code})");
        });
        fleet.Log.Summary($"AtomicDeploy: every host that had switched was switched back ({cause.Code}).");
    }

    private static void Fail(IReadOnlyList<(FleetHost Host, DeployException Error)> failures)
    {
        foreach (var (host, error) in failures)
        {
            host.Failure ??= error;
        }
    }

    private static DeployException Combined(IReadOnlyList<(FleetHost Host, DeployException Error)> failures, string aftermath) =>
        FleetParallel.Combine(failures.Select(f => (f.Host.Name, f.Error)).ToArray(), aftermath);
}
