using AtomicDeploy.Core;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tasks;

/// <summary>The connection settings of every host of a fleet, all checked before any host is contacted.</summary>
internal static class FleetHosts
{
    /// <summary>Parses each entry with <paramref name="settings"/>; a host named twice (same user, host and port) is refused.</summary>
    public static IReadOnlyList<SshSettings> Settings(IReadOnlyList<string> entries, Func<string, SshSettings> settings)
    {
        var all = entries.Select(settings).ToArray();
        var repeated = all.GroupBy(s => s.Host).FirstOrDefault(g => g.Count() > 1);
        return repeated is null
            ? all
            : throw new DeployException(ErrorCodes.FleetHostRepeated, $"AtomicDeployHost names {repeated.Key} {repeated.Count()} times; each host of a fleet is deployed once. Remove the repeated entry.");
    }
}
