using AtomicDeploy.Core.Planning;

namespace AtomicDeploy.Core.Ssh;

/// <summary>How to reach and trust one server. Secrets are not here: only the names of the environment variables that hold them.</summary>
/// <param name="Host">The server.</param>
/// <param name="KnownHostsFile">OpenSSH known_hosts file.</param>
/// <param name="PinnedFingerprints">Pinned <c>SHA256:</c> fingerprints; when any are given, known_hosts is not consulted.</param>
/// <param name="Policy">What to do with an unknown key.</param>
/// <param name="PrivateKeyFile">An explicit key file, or null to try the default ones.</param>
/// <param name="PrivateKeyVariable">Environment variable that may hold key text.</param>
/// <param name="PassphraseVariable">Environment variable that may hold the key's passphrase.</param>
/// <param name="PasswordVariable">Environment variable that may hold a password.</param>
/// <param name="ConnectTimeout">How long to wait for the connection and handshake.</param>
public sealed record SshSettings(
    HostAddress Host,
    string KnownHostsFile,
    IReadOnlyList<string> PinnedFingerprints,
    HostKeyPolicy Policy,
    string? PrivateKeyFile,
    string PrivateKeyVariable,
    string PassphraseVariable,
    string PasswordVariable,
    TimeSpan ConnectTimeout)
{
    /// <summary>Offer the keys an ssh-agent holds (<c>AtomicDeployUseAgent</c>), before any key file.</summary>
    public bool UseAgent { get; init; } = true;

    /// <summary>The agent's socket or pipe (ssh config's IdentityAgent); null: <c>SSH_AUTH_SOCK</c>, and on Windows the OpenSSH agent's pipe; <c>none</c>: no agent.</summary>
    public string? IdentityAgent { get; init; }

    /// <summary>Offer only the key files named, not the agent's keys (ssh config's IdentitiesOnly).</summary>
    public bool IdentitiesOnly { get; init; }

    /// <summary>Key files from ssh config's IdentityFile, tried in order instead of the default ones; missing ones are skipped, as OpenSSH does.</summary>
    public IReadOnlyList<string> IdentityFiles { get; init; } = [];

    /// <summary>The name the host key is looked up and recorded under in known_hosts, instead of the host's (ssh config's HostKeyAlias).</summary>
    public string? HostKeyAlias { get; init; }

    /// <summary>How often an idle connection is probed (ssh config's ServerAliveInterval).</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The jump hosts to go through, the first connected to directly, each with its own settings (its own jump hosts are already in this list, before it).</summary>
    public IReadOnlyList<SshSettings> JumpHosts { get; init; } = [];

    /// <summary>Where the settings came from beyond the MSBuild properties (the ssh config file and its blocks), for the log; null when none.</summary>
    public string? Origin { get; init; }

    /// <summary>
    /// Every setting above as one string: two settings with the same fingerprint reach and trust the
    /// server the same way (the record's own equality compares the lists by reference). A property
    /// added to this record belongs here too.
    /// </summary>
    internal string Fingerprint() => string.Join(
        "\n",
        Host,
        KnownHostsFile,
        string.Join(",", PinnedFingerprints),
        Policy,
        PrivateKeyFile,
        PrivateKeyVariable,
        PassphraseVariable,
        PasswordVariable,
        ConnectTimeout.Ticks,
        UseAgent,
        IdentityAgent,
        IdentitiesOnly,
        string.Join(",", IdentityFiles),
        HostKeyAlias,
        KeepAliveInterval.Ticks,
        string.Join(";", JumpHosts.Select(j => "(" + j.Fingerprint() + ")")),
        Origin);
}
