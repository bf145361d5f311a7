namespace AtomicDeploy.Core.Remote;

/// <summary>
/// A connection made ahead with the deploy's lock script already started on it, armed
/// (<see cref="DeployLock.DeployScript"/>): when the deploy starts that same script, it gets the
/// armed one, told to go on, and finds the lock taken and the answer one round trip away. Anything
/// else run or started first, or a deploy that never asks, ends the armed script (and the lock it
/// may hold) before it goes on, so nothing ever waits on a lock its own build took ahead.
/// </summary>
internal sealed class ArmedLockShell(IRemoteShell inner, RemoteProcess armed, string lockScript) : IRemoteShell
{
    private readonly object _gate = new();
    private RemoteProcess? _armed = armed;

    /// <summary>Whether the deploy took the armed script (for tests and the log).</summary>
    public bool Used { get; private set; }

    public string Name => inner.Name;

    public ShellResult Run(string script, Action<Stream>? writeInput, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Disarm();
        return inner.Run(script, writeInput, timeout, cancellationToken);
    }

    public RemoteProcess Start(string script)
    {
        lock (_gate)
        {
            if (_armed is { } process && string.Equals(script, lockScript, StringComparison.Ordinal) && !process.HasEnded)
            {
                _armed = null;
                try
                {
                    process.Send(DeployLock.GoLine);
                    Used = true;
                    return process;
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or Renci.SshNet.Common.SshException)
                {
                    process.Dispose();
                }
            }
        }

        Disarm();
        return inner.Start(script);
    }

    public void Dispose()
    {
        Disarm();
        inner.Dispose();
    }

    private void Disarm()
    {
        RemoteProcess? process;
        lock (_gate)
        {
            process = _armed;
            _armed = null;
        }

        process?.Dispose();
    }
}
