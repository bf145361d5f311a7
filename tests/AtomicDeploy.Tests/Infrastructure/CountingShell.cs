using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>An open shell that records every script it runs, in order (the lock's script, started beside them, is not one).</summary>
internal sealed class CountingShell(IRemoteShell inner) : IRemoteShell
{
    public List<string> Scripts { get; } = [];

    public string Name => inner.Name;

    public ShellResult Run(string script, Action<Stream>? writeInput, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Scripts.Add(script);
        return inner.Run(script, writeInput, timeout, cancellationToken);
    }

    public RemoteProcess Start(string script) => inner.Start(script);

    public void Dispose() => inner.Dispose();
}
