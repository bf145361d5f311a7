using System.Globalization;
using AtomicDeploy.Core.Manifest;

namespace AtomicDeploy.Core.Engine;

/// <summary>
/// A deploy in which nothing changed on any host (no file added, changed or removed, the same shared
/// links) leaves every server as it is: no release is made, no history line is written, nothing is
/// pruned, and the locks are released. With
/// <see cref="DeploySettings.Force"/> it deploys anyway; with <see cref="DeploySettings.RestartUnchanged"/>
/// and a switch command or health check configured, it deploys the identical release so they run.
/// </summary>
internal static class UnchangedDeploy
{
    /// <summary>
    /// Whether every host was left as it is (then no release is made, and the upload, link, switch and
    /// prune steps do nothing). Asks the servers only when the publish folder matches every live
    /// manifest the locks' channels brought (one read-only round trip each).
    /// </summary>
    public static bool LeaveAsIs(Deployment deployment, ReleaseManifest next, CancellationToken cancellationToken)
    {
        var settings = deployment.Settings;
        if (settings.Force || deployment.Hosts.Any(h => !h.MayBeUnchanged(next)))
        {
            return false;
        }

        var unchanged = deployment.Each(h => h.IsUnchanged(next, cancellationToken), Deployment.NothingChanged);
        if (unchanged.Values.Any(same => !same))
        {
            return false;
        }

        if (settings.RestartUnchanged && deployment.Hosts.Any(h => h.Hooks.BeforeSwitchCommand is not null || h.Hooks.AfterSwitchCommand is not null || h.Hooks.HealthCheckUrl is not null))
        {
            deployment.Log.Info("AtomicDeploy: nothing changed; AtomicDeployRestartUnchanged is true, so the same files are deployed as a new release and the switch commands and health check run.");
            return false;
        }

        foreach (var host in deployment.Hosts)
        {
            host.LeaveUnchanged(next);
        }

        return true;
    }

    /// <summary>The line that ends a deploy in which nothing changed.</summary>
    public static string ClosingLine(Deployment deployment)
    {
        var hosts = deployment.Hosts;
        var live = hosts.Select(h => h.Release).Distinct().ToArray();
        var where = hosts.Count == 1 ? $"on {hosts[0].Name}; the server is left as it is"
            : live.Length == 1 ? $"on all {hosts.Count} hosts; the servers are left as they are"
            : $"({string.Join(", ", hosts.Select(h => $"{h.Release} on {h.Name}"))}); the servers are left as they are";
        var since = live.Length == 1 ? $"since release {live[0]} " : "since the live releases ";
        return string.Create(CultureInfo.InvariantCulture,
            $"AtomicDeploy: nothing changed {since}{where} (set AtomicDeployForce=true to deploy anyway). {deployment.Elapsed.TotalSeconds:0.00} s.");
    }
}
