namespace AtomicDeploy.Core.Engine;

/// <summary>
/// Where a deployment's lines go: the log of the task running the current step. Each MSBuild task has
/// its own log, and lines sent to a finished task's log are lost, so every step points this at its
/// own. Lines from hosts working in parallel are written one at a time.
/// </summary>
internal sealed class DeploymentLog(IDeployLog target)
{
    private readonly object _gate = new();
    private IDeployLog _target = target;

    public IDeployLog Target
    {
        set
        {
            lock (_gate)
            {
                _target = value;
            }
        }
    }

    public void Write(Action<IDeployLog> write)
    {
        lock (_gate)
        {
            write(_target);
        }
    }
}

/// <summary>One host's view of the deployment's log: every line names the host (or, without one, speaks for the whole deployment).</summary>
internal sealed class HostLog(DeploymentLog sink, string? host) : IDeployLog
{
    public void Summary(string message) => sink.Write(log => log.Summary(Tag(message)));

    public void Info(string message) => sink.Write(log => log.Info(Tag(message)));

    public void Detail(string message) => sink.Write(log => log.Detail(Tag(message)));

    public void Warning(string code, string message) => sink.Write(log => log.Warning(code, host is null ? message : $"[{host}] {message}"));

    public void CiUploadSummary(string markdownFile) => sink.Write(log => log.CiUploadSummary(markdownFile));

    // Engine lines start with "AtomicDeploy: "; the host goes right after it so every line still reads as the tool's.
    private string Tag(string message) =>
        host is null ? message
        : message.StartsWith("AtomicDeploy: ", StringComparison.Ordinal)
            ? $"AtomicDeploy: [{host}] {message["AtomicDeploy: ".Length..]}"
            : $"[{host}] {message}";
}
