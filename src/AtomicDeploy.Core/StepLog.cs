namespace AtomicDeploy.Core;

/// <summary>
/// A deploy's log that follows the steps: each MSBuild task has its own log, and lines sent to a
/// finished task's log are lost, so every step points this at its own with <see cref="LogTo"/>.
/// </summary>
internal sealed class StepLog(IDeployLog target) : IDeployLog
{
    private volatile IDeployLog _target = target;

    /// <summary>Sends the lines from now on to <paramref name="log"/>.</summary>
    public void LogTo(IDeployLog log) => _target = log;

    public void Summary(string message) => _target.Summary(message);

    public void Info(string message) => _target.Info(message);

    public void Detail(string message) => _target.Detail(message);

    public void Warning(string code, string message) => _target.Warning(code, message);
}
