namespace AtomicDeploy.Core.Fleet;

/// <summary>
/// One host's view of the build log in a fleet: every line names the host, and lines from hosts
/// working in parallel are written one at a time (they share <paramref name="gate"/>). Without a
/// host, lines about the whole fleet go out untagged through the same gate.
/// </summary>
internal sealed class HostLog(IDeployLog log, string? host, object gate) : IDeployLog
{
    public void Summary(string message) => Write(() => log.Summary(Tag(message)));

    public void Info(string message) => Write(() => log.Info(Tag(message)));

    public void Detail(string message) => Write(() => log.Detail(Tag(message)));

    public void Warning(string code, string message) => Write(() => log.Warning(code, host is null ? message : $"[{host}] {message}"));

    // Engine lines start with "AtomicDeploy: "; the host goes right after it so every line still reads as the tool's.
    private string Tag(string message) =>
        host is null ? message
        : message.StartsWith("AtomicDeploy: ", StringComparison.Ordinal)
            ? $"AtomicDeploy: [{host}] {message["AtomicDeploy: ".Length..]}"
            : $"[{host}] {message}";

    private void Write(Action write)
    {
        lock (gate)
        {
            write();
        }
    }
}
