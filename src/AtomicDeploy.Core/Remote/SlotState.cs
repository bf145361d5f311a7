using System.Globalization;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// What <see cref="SlotScripts.Read"/> found on a host: the port nginx's <c>upstream.conf</c>
/// points at (when it is one of the slots) and the release each <c>slots/&lt;port&gt;</c> link names.
/// </summary>
public sealed record SlotState(int? Live, IReadOnlyDictionary<int, string> Releases)
{
    /// <summary>Reads the script's output: <c>live PORT</c> and <c>slot PORT RELEASE</c> lines.</summary>
    public static SlotState Parse(string output, IReadOnlyList<int> ports)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToArray();
        int? live = lines.FirstOrDefault(l => l is ["live", _]) is { } found && int.TryParse(found[1], CultureInfo.InvariantCulture, out var port) && ports.Contains(port) ? port : null;
        var releases = new Dictionary<int, string>();
        foreach (var line in lines)
        {
            if (line is ["slot", var text, var release] && int.TryParse(text, CultureInfo.InvariantCulture, out var slot) && ports.Contains(slot))
            {
                releases.TryAdd(slot, release);
            }
        }

        return new SlotState(live, releases);
    }

    /// <summary>The release the slot on <paramref name="port"/> runs, if its link is there.</summary>
    public string? ReleaseOf(int port) => Releases.TryGetValue(port, out var release) ? release : null;
}
