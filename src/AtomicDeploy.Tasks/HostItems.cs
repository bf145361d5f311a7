using AtomicDeploy.Core.Engine;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace AtomicDeploy.Tasks;

/// <summary>Task outputs per host: one item per host (its name), with the host's results as metadata.</summary>
internal static class HostItems
{
    /// <summary>An item for each host of <paramref name="deployment"/>, with the metadata <paramref name="metadata"/> gives it.</summary>
    public static ITaskItem[] Of(Deployment deployment, Func<HostDeploy, IEnumerable<(string Name, string Value)>> metadata) =>
        deployment.Hosts.Select(h =>
        {
            var item = new TaskItem(h.Name);
            foreach (var (name, value) in metadata(h))
            {
                item.SetMetadata(name, value);
            }

            return (ITaskItem)item;
        }).ToArray();
}
