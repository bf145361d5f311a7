using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.History;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Operations;

/// <summary>
/// Switches <c>current</c> back to an older release on every host with the deploy's own switch (one
/// atomic rename), under the deploy lock, and records it in each history. Every host goes to the same
/// release: the newest good one older than the live one on every host, or the one named. A release
/// that any host lacks, or has as failed, is refused on all with nothing changed.
/// </summary>
public static class Rollback
{
    /// <summary>Rolls back every host of <paramref name="deployment"/> (opened, not prepared); returns the release now live.</summary>
    public static string Run(Deployment deployment, string? rollbackTo, CancellationToken cancellationToken)
    {
        var settings = deployment.Settings;
        var clock = Stopwatch.StartNew();

        // Chosen once before the locks so a refused rollback changes nothing (taking a lock creates
        // the layout), and again under them, in case a deploy finished in between.
        var first = Histories(deployment, cancellationToken);
        CheckFiles(deployment, first, Choose(first, rollbackTo, settings.Root), cancellationToken);
        var owner = $"{settings.Context.User}@{settings.Context.Machine} pid {Environment.ProcessId} rollback since {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}";
        var locks = new ConcurrentBag<DeployLock>();
        try
        {
            deployment.Each(h => locks.Add(DeployLock.Take(h.Shell, settings.Root, owner, settings.Timeouts.LockWait, h.Log, cancellationToken)), Deployment.NothingChanged);
            var histories = Histories(deployment, cancellationToken);
            var target = Choose(histories, rollbackTo, settings.Root);
            if (histories.Values.All(h => h.Live?.Name == target))
            {
                deployment.Log.Summary($"AtomicDeploy: release {target} is already live in {settings.Root} on {Hosts(deployment)}; nothing to roll back.");
                return target;
            }

            CheckFiles(deployment, histories, target, cancellationToken);
            deployment.Each(h => new SwitchHooks(h.Shell, settings.Root, h.Hooks, h.Log).CheckHealthCheckTool(cancellationToken), Deployment.NothingChanged);

            // Two-slot mode: the target runs and answers in every idle slot before any host switches.
            var slots = AppSlots.For(settings);
            slots?.Start(deployment.Hosts, target, cancellationToken);
            var switched = new ConcurrentDictionary<HostDeploy, string?>();
            try
            {
                deployment.Each(h => switched[h] = SwitchHost(h, histories[h], target, settings, slots?.PortOf(h), clock, cancellationToken), "Every host that had switched was switched back.");
                if (slots is not null)
                {
                    deployment.Each(h => { if (slots.Flip(h, cancellationToken) is { } failure) { throw failure; } }, "Every proxy and every host that had switched was switched back.");
                }
            }
            catch (DeployException)
            {
                // All or nothing: every proxy goes back to the old slot, and the hosts that did switch go back to what they had.
                slots?.Undo(deployment.Hosts);
                foreach (var (host, was) in switched.Where(s => s.Value is not null))
                {
                    host.Shell.Run(RemoteScripts.Switch(settings.Root, was!), null, settings.Timeouts.Command, CancellationToken.None);
                }

                throw;
            }

            slots?.StopOld(deployment.Hosts, cancellationToken);

            // The build returns once the app answers again: the after-switch command (the restart), then
            // the health check, as after a deploy. A failure leaves the target live (it is what was asked
            // for, and the release it replaced is the one rolled back from).
            deployment.Each(h =>
            {
                var hooks = new SwitchHooks(h.Shell, settings.Root, h.Hooks, h.Log);
                if ((hooks.AfterSwitch(target, cancellationToken) ?? hooks.HealthCheck(target, cancellationToken)) is { } failure)
                {
                    throw failure;
                }
            }, $"Release {target} is live on every host; the after-switch command or the health check failed where named.");
            return target;
        }
        finally
        {
            foreach (var held in locks)
            {
                held.Dispose();
            }
        }
    }

    /// <summary>Switches one host to <paramref name="target"/>; returns the release it had (to switch back to), or null when it had none.</summary>
    private static string? SwitchHost(HostDeploy host, ReleaseHistory history, string target, DeploySettings settings, int? port, Stopwatch clock, CancellationToken cancellationToken)
    {
        var entry = history.Find(target)!;
        var live = history.Live?.Name;
        var record = new DeployRecord
        {
            Event = "rollback",
            Release = target,
            Previous = live,
            Time = DateTime.UtcNow,
            User = settings.Context.User,
            Machine = settings.Context.Machine,
            Version = entry.Version,
            Commit = entry.Commit,
            DurationMs = clock.ElapsedMilliseconds,
            Port = port,
            Outcome = "success",
        };
        RemoteCommand.Run(host.Shell, $"switch current to releases/{target}", host.Where, RemoteScripts.Switch(settings.Root, target, record.ToJsonLine()), null, settings.Timeouts.Command, cancellationToken);
        var direction = live is not null && string.CompareOrdinal(target, live) > 0 ? "rolled forward" : "rolled back";
        host.Log.Summary(string.Create(CultureInfo.InvariantCulture,
            $"AtomicDeploy: {direction} {host.Where}: current -> releases/{target} (version {entry.Version ?? "unknown"}), was {live ?? "nothing"}, in {clock.Elapsed.TotalSeconds:0.00} s."));
        return live;
    }

    /// <summary>Refuses on all hosts a target that does not match its manifest on any host where it is not live already.</summary>
    private static void CheckFiles(Deployment deployment, IReadOnlyDictionary<HostDeploy, ReleaseHistory> histories, string target, CancellationToken cancellationToken) =>
        deployment.Each(h =>
        {
            if (histories[h].Live?.Name != target)
            {
                RollbackTargetCheck.Check(h, deployment.Settings.Root, target, deployment.Settings.Timeouts.Command, cancellationToken);
            }
        }, Deployment.NothingChanged);

    private static IReadOnlyDictionary<HostDeploy, ReleaseHistory> Histories(Deployment deployment, CancellationToken cancellationToken) =>
        deployment.Each(h => ServerInspection.Read(h.Shell, deployment.Settings.Root, withManifest: false, deployment.Settings.Timeouts.Command, cancellationToken).History, Deployment.NothingChanged);

    /// <summary>The one release every host goes to, or the coded error that refuses the rollback on all.</summary>
    private static string Choose(IReadOnlyDictionary<HostDeploy, ReleaseHistory> histories, string? rollbackTo, string root)
    {
        if (string.IsNullOrWhiteSpace(rollbackTo))
        {
            // The newest release that is good, and older than the live one, on every host.
            var candidates = histories.Values
                .Select(h => h.Releases.Where(r => r.IsGood && !r.Live && (h.Live is null || string.CompareOrdinal(r.Name, h.Live.Name) < 0)).Select(r => r.Name))
                .Aggregate((a, b) => a.Intersect(b, StringComparer.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToArray();
            return candidates.Length > 0
                ? candidates[^1]
                : throw new DeployException(ErrorCodes.NothingToRollBackTo,
                    $"{string.Join("; ", histories.Select(h => $"{h.Key.Where} (live: {h.Value.Live?.Name ?? "none"})"))}: there is no good release older than the live one {(histories.Count > 1 ? "on every host " : string.Empty)}to roll back to. List them with -t:AtomicDeployReleases.");
        }

        var name = rollbackTo.Trim();
        // Every host that lacks it is named, with its releases: a fleet's hosts may differ.
        var lacking = histories.Where(h => !ReleaseName.IsReleaseName(name) || h.Value.Find(name) is null).ToArray();
        if (lacking.Length > 0)
        {
            throw new DeployException(ErrorCodes.RollbackTargetUnknown,
                $"AtomicDeployRollbackTo is '{rollbackTo}', which is not a release in {string.Join("; ", lacking.Select(h => $"{h.Key.Where} (its releases: {(h.Value.Releases.Count == 0 ? "none" : string.Join(", ", h.Value.Releases.Select(r => r.Name)))})"))}. {Deployment.NothingChanged}");
        }

        foreach (var (host, history) in histories)
        {
            if (history.Find(name)!.Outcome == "failed")
            {
                throw new DeployException(ErrorCodes.RollbackTargetFailed, $"Release {name} in {host.Where} is recorded as failed; roll back to a good one (see -t:AtomicDeployReleases). {Deployment.NothingChanged}");
            }
        }

        return name;
    }

    private static string Hosts(Deployment deployment) => string.Join(", ", deployment.Hosts.Select(h => h.Name));
}
