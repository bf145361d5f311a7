using System.Globalization;
using AtomicDeploy.Core.Remote;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Core.Engine;

/// <summary>
/// How a deploy's connections start: at most <see cref="DeploySettings.ConnectLimit"/> at once (the
/// TCP connection, the SSH handshake and the login), since sshd drops connections beyond its
/// MaxStartups (10 unauthenticated by default) and a NAT or DNS server sheds a burst of hundreds;
/// and each host's connection tried once more, after a short wait, when it failed in a way that
/// may pass (<see cref="ConnectFailure"/>). A host key, credential or setting error is never
/// tried again. The wait holds no slot, so other hosts start meanwhile.
/// </summary>
internal sealed class ConnectStarts : IDisposable
{
    /// <summary>Connections starting at once unless <c>AtomicDeployConnectLimit</c> says otherwise.</summary>
    public const int DefaultLimit = 30;

    /// <summary>The wait before a host's second attempt (a random part of up to as much again is added, so retries do not come back as a burst).</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _slots;
    private readonly TimeSpan _retryDelay;

    public ConnectStarts(int limit, TimeSpan retryDelay, int hosts)
    {
        _slots = new SemaphoreSlim(Math.Max(1, limit));
        _retryDelay = retryDelay;

        // SSH.NET's asynchronous connect runs each handshake's continuations on the thread pool,
        // which in a fresh build process has one thread per core and grows by about one every half
        // second: the connections starting at once would queue for it. Never lowered.
        ThreadPool.GetMinThreads(out var workers, out var completions);
        var wanted = Environment.ProcessorCount + Math.Min(hosts, Math.Max(1, limit));
        if (hosts > 1 && workers < wanted)
        {
            ThreadPool.SetMinThreads(wanted, completions);
        }
    }

    /// <summary>Connects to <paramref name="target"/> through <paramref name="connect"/>, once more after a failure that may pass; the retry is logged to <paramref name="log"/>.</summary>
    public IRemoteShell Connect(DeployTarget target, Func<DeployTarget, IRemoteShell> connect, IDeployLog log)
    {
        DeployException first;
        try
        {
            return Start(target, connect);
        }
        catch (DeployException e) when (ConnectFailure.MayPass(e))
        {
            first = e;
        }

        var wait = _retryDelay + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * _retryDelay.TotalMilliseconds);
        log.Summary(string.Create(CultureInfo.InvariantCulture,
            $"AtomicDeploy: connecting to {target.Name} failed ({first.Code}, {ConnectFailure.Describe(first)}), which may pass; trying once more in {wait.TotalSeconds:0.0} s."));
        Thread.Sleep(wait);
        try
        {
            var shell = Start(target, connect);
            log.Info($"AtomicDeploy: connected to {target.Name} at the second attempt.");
            return shell;
        }
        catch (DeployException second)
        {
            throw new DeployException(second.Code, string.Create(CultureInfo.InvariantCulture,
                $"{second.Message} (Tried twice, {wait.TotalSeconds:0.0} s apart; the first attempt failed with {first.Code}, {ConnectFailure.Describe(first)}.)"), second);
        }
    }

    public void Dispose() => _slots.Dispose();

    private IRemoteShell Start(DeployTarget target, Func<DeployTarget, IRemoteShell> connect)
    {
        _slots.Wait();
        try
        {
            return connect(target);
        }
        finally
        {
            _slots.Release();
        }
    }
}
