using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Operations;

/// <summary>
/// Removes a deploy lock that a crashed or killed deploy left behind on every host, and says whose
/// it was. Run it only when no deploy to the hosts is running.
/// </summary>
public static class Unlock
{
    /// <summary>Unlocks every host; returns, for each host that had a lock, who held it.</summary>
    public static IReadOnlyDictionary<HostDeploy, string> Run(Deployment deployment, CancellationToken cancellationToken)
    {
        var root = deployment.Settings.Root;
        var owners = deployment.Each(h =>
        {
            var output = RemoteCommand.Run(h.Shell, "remove the lock", h.Where, RemoteScripts.Unlock(root), null, deployment.Settings.Timeouts.Command, cancellationToken).Output.Trim();
            if (!output.StartsWith("removed ", StringComparison.Ordinal))
            {
                h.Log.Summary($"AtomicDeploy: {root} on {h.Name} has no deploy lock; nothing to remove.");
                return null;
            }

            var owner = ServerText.ForLog(output[8..]);
            h.Log.Summary($"AtomicDeploy: removed the deploy lock of {root} on {h.Name}; it was held by {owner}.");
            return owner;
        }, deployment.Hosts.Count > 1 ? "The hosts not named were unlocked." : string.Empty);
        var removed = owners.Where(o => o.Value is not null).ToDictionary(o => o.Key, o => o.Value!);
        return removed;
    }
}
