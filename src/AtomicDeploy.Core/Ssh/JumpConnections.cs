namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// The open connections to jump hosts, shared: the hosts of a fleet behind one bastion go through
/// one connection to it (one login, one handshake), each over its own forwarded port. A
/// connection is closed when the last connection through it is; none outlives the deploy.
/// Connections are shared only between identical routes (same hop, trust and credentials).
/// </summary>
internal static class JumpConnections
{
    private static readonly Dictionary<string, Shared> Open = new(StringComparer.Ordinal);

    /// <summary>The connection to <paramref name="hop"/>, opened with <paramref name="connect"/> when none is open; dispose the lease when done.</summary>
    public static Lease Acquire(SshSettings hop, Func<SshShell> connect)
    {
        var key = Key(hop);
        Shared shared;
        lock (Open)
        {
            if (!Open.TryGetValue(key, out shared!))
            {
                shared = new Shared();
                Open.Add(key, shared);
            }

            shared.Users++;
        }

        try
        {
            // Hosts of a fleet connect in parallel: the first one opens the connection, the others wait for it.
            lock (shared)
            {
                shared.Shell ??= connect();
            }

            return new Lease(key, shared);
        }
        catch
        {
            Release(key, shared);
            throw;
        }
    }

    private static void Release(string key, Shared shared)
    {
        lock (Open)
        {
            if (--shared.Users > 0)
            {
                return;
            }

            Open.Remove(key);
        }

        shared.Shell?.Dispose();
    }

    private static string Key(SshSettings hop) =>
        string.Join('\n', new object?[]
        {
            hop.Host, string.Join(',', hop.JumpHosts.Select(j => j.Host)), hop.KnownHostsFile, hop.Policy, hop.HostKeyAlias,
            hop.PrivateKeyFile, string.Join(',', hop.IdentityFiles), hop.PrivateKeyVariable, hop.PassphraseVariable, hop.PasswordVariable,
            hop.UseAgent, hop.IdentityAgent, hop.IdentitiesOnly,
        });

    /// <summary>One use of a shared jump host connection.</summary>
    internal sealed class Lease : IDisposable
    {
        private readonly string _key;
        private readonly Shared _shared;
        private bool _disposed;

        public Lease(string key, Shared shared)
        {
            _key = key;
            _shared = shared;
        }

        public SshShell Shell => _shared.Shell!;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                Release(_key, _shared);
            }
        }
    }

    internal sealed class Shared
    {
        public int Users { get; set; }

        public SshShell? Shell { get; set; }
    }
}
