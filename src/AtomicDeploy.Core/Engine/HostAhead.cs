using AtomicDeploy.Core.Remote;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Core.Engine;

/// <summary>
/// A host connected ahead: while <c>dotnet publish</c> still copies the app into its publish folder,
/// the deploy's server is connected and asked for its deploy lock, so the deploy's first steps find
/// both done instead of waiting for the SSH handshake and the lock's round trips. Nothing is written
/// ahead but the lock (held, as the deploy would hold it, until the build ends). Whatever goes wrong
/// ahead is kept for the deploy, which meets it where it would have: a connection that failed fails
/// the deploy's connect as it would have failed, coded the same way, and then its retry connects anew.
/// </summary>
public sealed class HostAhead : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly TaskCompletionSource<IRemoteShell> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _taken;

    private HostAhead(string key) => Key = key;

    /// <summary>What the deploy looks this host up by: its name and every setting of its connection (<see cref="KeyOf"/>).</summary>
    public string Key { get; }

    /// <summary>
    /// Starts connecting every host of <paramref name="settings"/> (each on a thread of its own), then
    /// asks each for the deploy lock as the deploy's first step will. Nothing is started for the local
    /// target or for a fleet larger than the connection limit: the deploy then connects as it always does.
    /// The caller parses the settings first, so bad input never reaches a server ahead either.
    /// </summary>
    public static IReadOnlyList<HostAhead> Start(DeploySettings settings, Func<string, string?> environment, string homeFolder)
    {
        if (settings.Hosts.Any(h => h.Ssh is null) || settings.Hosts.Count > settings.ConnectLimit)
        {
            return [];
        }

        var lockScript = DeployLock.Script(settings.Root, null, (int)Math.Ceiling(settings.Timeouts.LockWait.TotalSeconds), liveManifest: true);
        return [.. settings.Hosts.Select(target => Connect(target, lockScript, environment, homeFolder))];
    }

    /// <summary>A host's name and every setting of its connection: the deploy takes a connection made ahead only when its own settings for the host are the same.</summary>
    public static string KeyOf(DeployTarget target) => target.Name + "\n" + (target.Ssh is { } ssh ? Fingerprint(ssh) : "local");

    /// <summary>
    /// The connection, once it is made (waits for it), with the lock's command started on it; or what
    /// connecting threw, thrown again. Only once.
    /// </summary>
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

    /// <summary>Closes the connection when the deploy did not take it (the build failed, or ran no deploy): its lock ends with it.</summary>
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

    private static HostAhead Connect(DeployTarget target, string lockScript, Func<string, string?> environment, string homeFolder)
    {
        var ahead = new HostAhead(KeyOf(target));
        // A thread of its own, as every other connect: a fresh build process has as many thread-pool threads as cores.
        new Thread(() =>
        {
            try
            {
                var shell = target.Connect(environment, homeFolder, ahead._cancel.Token);
                ahead._connected.SetResult(new LockAhead(shell, lockScript));
            }
            catch (Exception e)
            {
                ahead._connected.SetException(e);
            }
        }) { IsBackground = true, Name = "AtomicDeploy connect ahead" }.Start();
        return ahead;
    }

    private static string Fingerprint(SshSettings s) => string.Join(
        "\n",
        s.Host,
        s.KnownHostsFile,
        string.Join(",", s.PinnedFingerprints),
        s.Policy,
        s.PrivateKeyFile,
        s.PrivateKeyVariable,
        s.PassphraseVariable,
        s.PasswordVariable,
        s.ConnectTimeout.Ticks,
        s.UseAgent,
        s.IdentityAgent,
        s.IdentitiesOnly,
        string.Join(",", s.IdentityFiles),
        s.HostKeyAlias,
        s.KeepAliveInterval.Ticks,
        string.Join(";", s.JumpHosts.Select(j => "(" + Fingerprint(j) + ")")),
        s.Origin);

    /// <summary>
    /// A connection on which the deploy lock's command was started ahead: the deploy's first
    /// <see cref="Start"/> of the same script gets that command, already running (and perhaps holding
    /// the lock); everything else goes to the connection as it is.
    /// </summary>
    private sealed class LockAhead : IRemoteShell
    {
        private readonly IRemoteShell _inner;
        private readonly string _script;
        private RemoteProcess? _started;

        public LockAhead(IRemoteShell inner, string script)
        {
            _inner = inner;
            _script = script;
            try
            {
                _started = inner.Start(script);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The deploy asks for the lock itself, and meets whatever this was.
                _started = null;
            }
        }

        public string Name => _inner.Name;

        public ShellResult Run(string script, Action<Stream>? writeInput, TimeSpan timeout, CancellationToken cancellationToken) =>
            _inner.Run(script, writeInput, timeout, cancellationToken);

        public RemoteProcess Start(string script) =>
            script == _script && Interlocked.Exchange(ref _started, null) is { } started ? started : _inner.Start(script);

        public void Dispose()
        {
            Interlocked.Exchange(ref _started, null)?.Dispose();
            _inner.Dispose();
        }
    }
}
