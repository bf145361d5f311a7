using System.Diagnostics;
using AtomicDeploy.Core.History;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Operations;

/// <summary>
/// Switches <c>current</c> back to an older release with the deploy's own switch (one atomic rename),
/// under the deploy lock, and records it in the history. Goes to the newest good release older than
/// the live one, or to the one named; an unknown or failed release is refused with nothing changed.
/// </summary>
public static class Rollback
{
    /// <summary>Rolls back the deploy folder <paramref name="root"/>; returns the release now live.</summary>
    public static string Run(IRemoteShell shell, string root, string? rollbackTo, DeployContext context, SwitchHookSettings hooks, IDeployLog log, RemoteTimeouts timeouts, CancellationToken cancellationToken)
    {
        var timeout = timeouts.Command;
        var clock = Stopwatch.StartNew();
        var where = $"{root} on {shell.Name}";

        // Chosen once before the lock so a refused rollback changes nothing (taking the lock creates
        // the layout), and again under it, in case a deploy finished in between.
        Choose(ServerInspection.Read(shell, root, withManifest: false, timeout, cancellationToken).History, rollbackTo, where);
        var owner = $"{context.User}@{context.Machine} pid {Environment.ProcessId} rollback since {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}";
        using (DeployLock.Take(shell, root, owner, timeouts.LockWait, log, cancellationToken))
        {
            var history = ServerInspection.Read(shell, root, withManifest: false, timeout, cancellationToken).History;
            var target = Choose(history, rollbackTo, where);
            var live = history.Live?.Name;
            if (target.Live)
            {
                log.Summary($"AtomicDeploy: release {target.Name} is already live in {where}; nothing to roll back.");
                return target.Name;
            }

            var record = new DeployRecord
            {
                Event = "rollback",
                Release = target.Name,
                Previous = live,
                Time = DateTime.UtcNow,
                User = context.User,
                Machine = context.Machine,
                Version = target.Version,
                Commit = target.Commit,
                DurationMs = clock.ElapsedMilliseconds,
                Outcome = "success",
            };
            var switched = shell.Run(RemoteScripts.Switch(root, target.Name, record.ToJsonLine()), null, timeout, cancellationToken);
            if (switched.ExitCode != 0)
            {
                throw new DeployException(ErrorCodes.RemoteFailed, $"Could not switch current to releases/{target.Name} in {where} (exit code {switched.ExitCode}): {ServerText.OneLine(switched.Error)}");
            }

            log.Summary($"AtomicDeploy: rolled back {where}: current -> releases/{target.Name} (version {target.Version ?? "unknown"}), was {live ?? "nothing"}, in {clock.Elapsed.TotalSeconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)} s.");
            if (new SwitchHooks(shell, root, hooks, log).AfterSwitch(target.Name, cancellationToken) is { } failure)
            {
                throw failure;
            }

            return target.Name;
        }
    }

    private static ReleaseEntry Choose(ReleaseHistory history, string? rollbackTo, string where)
    {
        if (string.IsNullOrWhiteSpace(rollbackTo))
        {
            return history.PreviousGood()
                ?? throw new DeployException(ErrorCodes.NothingToRollBackTo,
                    $"{where} has no good release older than the live one {history.Live?.Name ?? "(none)"} to roll back to. List them with -t:AtomicDeployReleases.");
        }

        var name = rollbackTo.Trim();
        var target = ReleaseName.IsReleaseName(name) ? history.Find(name) : null;
        if (target is null)
        {
            throw new DeployException(ErrorCodes.RollbackTargetUnknown,
                $"AtomicDeployRollbackTo is '{rollbackTo}', which is not a release in {where}. The releases there are: {(history.Releases.Count == 0 ? "none" : string.Join(", ", history.Releases.Select(r => r.Name)))}.");
        }

        return target.Outcome == "failed"
            ? throw new DeployException(ErrorCodes.RollbackTargetFailed, $"Release {name} in {where} is recorded as failed; roll back to a good one (see -t:AtomicDeployReleases).")
            : target;
    }
}
