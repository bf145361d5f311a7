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
    TimeSpan ConnectTimeout);
