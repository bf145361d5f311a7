using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Engine;

/// <summary>
/// A host connected ahead: while <c>dotnet publish</c> still copies the app into its publish folder,
/// the deploy's server is connected (host key verified, logged in), so the deploy's first step finds
/// the connection made instead of waiting for the SSH handshake. Nothing runs on the server ahead:
/// the deploy lock and everything after it wait for the deploy, so a publish that fails, or settings
/// the deploy then refuses, leave every server as it was. Whatever goes wrong ahead is kept for the
/// deploy, which meets it where it would have: a connection that failed fails the deploy's connect as
/// it would have failed, coded the same way, and its retry connects anew.
/// </summary>
public sealed class HostAhead : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly TaskCompletionSource<IRemoteShell> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _taken;

    /// <summary>
    /// Starts connecting every host of <paramref name="settings"/>, each on a thread of its own.
    /// Nothing is started for the local target or for a fleet larger than the connection limit: the
    /// deploy then connects as it always does.
    /// </summary>
    public static IReadOnlyList<HostAhead> Start(DeploySettings settings, Func<string, string?> environment, string homeFolder) =>
        settings.Hosts.Any(h => h.Ssh is null) || settings.Hosts.Count > settings.ConnectLimit
            ? []
            : [.. settings.Hosts.Select(target => Connect(target, environment, homeFolder))];

    /// <summary>A host's name and every setting of its connection: the deploy takes a connection made ahead only when its own settings for the host are the same.</summary>
    public static string KeyOf(DeployTarget target) => target.Name + "\n" + (target.Ssh is { } ssh ? ssh.Fingerprint() : "local");

    /// <summary>The connection, once it is made (waits for it), or what connecting threw, thrown again. Only once.</summary>
    public IRemoteShell Take(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _taken, 1) == 1)
        {
            throw new InvalidOperationException("A connection made ahead is taken once.");
        }

        try
        {
            _connected.Task.Wait(cancellationToken);
        }
        catch (AggregateException e)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.GetBaseException()).Throw();
        }
        catch (OperationCanceledException)
        {
            CloseWhenMade();
            throw;
        }

        return _connected.Task.Result;
    }

    /// <summary>Closes the connection when the deploy did not take it (the build failed, or ran no deploy).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _taken, 1) == 0)
        {
            CloseWhenMade();
        }
    }

    /// <summary>Stops connecting, or closes the connection once it is made.</summary>
    private void CloseWhenMade()
    {
        _cancel.Cancel();
        _connected.Task.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static HostAhead Connect(DeployTarget target, Func<string, string?> environment, string homeFolder)
    {
        var ahead = new HostAhead();
        // A thread of its own, as every other connect: a fresh build process has as many thread-pool threads as cores.
        new Thread(() =>
        {
            try
            {
                ahead._connected.SetResult(target.Connect(environment, homeFolder, ahead._cancel.Token));
            }
            catch (Exception e)
            {
                ahead._connected.SetException(e);
            }
        }) { IsBackground = true, Name = "AtomicDeploy connect ahead" }.Start();
        return ahead;
    }
}
