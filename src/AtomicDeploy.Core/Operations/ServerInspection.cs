using AtomicDeploy.Core.History;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Operations;

/// <summary>What a read-only look at the deploy folder found: its state and its release history.</summary>
/// <param name="State">The current link, releases and the live release's manifest.</param>
/// <param name="History">The releases joined with <c>log.jsonl</c>.</param>
public sealed record ServerInspection(RemoteState State, ReleaseHistory History)
{
    /// <summary>
    /// Reads the deploy folder <paramref name="root"/> in one round trip, changing nothing; the live
    /// release's manifest and listing only <paramref name="withManifest"/> (they can be large).
    /// </summary>
    public static ServerInspection Read(IRemoteShell shell, string root, bool withManifest, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = RemoteCommand.Run(shell, "read the deploy folder", $"{root} on {shell.Name}", ReadOnlyScripts.Inspect(root, withManifest), null, timeout, cancellationToken);

        var state = RemoteState.Parse(result.Output, $"{root} on {shell.Name}");
        var manifestAt = result.Output.IndexOf("\nmanifest\n", StringComparison.Ordinal);
        var head = manifestAt < 0 ? result.Output : result.Output[..manifestAt];
        var lines = head.Split('\n')
            .Where(l => l.StartsWith(ReadOnlyScripts.HistoryPrefix, StringComparison.Ordinal))
            .Select(l => l[ReadOnlyScripts.HistoryPrefix.Length..]);
        return new ServerInspection(state, ReleaseHistory.From(state, lines));
    }
}
