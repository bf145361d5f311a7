namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// The connection settings the MSBuild properties give for one host, before the ssh config file
/// is read: a null field was not set, so the file (then the default) decides it.
/// </summary>
/// <param name="HostEntry">One entry of <c>AtomicDeployHost</c>: an alias or <c>[user@]host[:port]</c>.</param>
/// <param name="User"><c>AtomicDeployUser</c>.</param>
/// <param name="Port"><c>AtomicDeployPort</c>.</param>
/// <param name="KnownHostsFile"><c>AtomicDeployKnownHostsFile</c>.</param>
/// <param name="PinnedFingerprints"><c>AtomicDeployHostKeyFingerprint</c>.</param>
/// <param name="Policy"><c>AtomicDeployHostKeyPolicy</c>.</param>
/// <param name="PrivateKeyFile"><c>AtomicDeployPrivateKeyFile</c>.</param>
/// <param name="PrivateKeyVariable">The variable that may hold key text.</param>
/// <param name="PassphraseVariable">The variable that may hold the key's passphrase.</param>
/// <param name="PasswordVariable">The variable that may hold a password.</param>
/// <param name="ConnectTimeout"><c>AtomicDeployConnectTimeout</c>.</param>
/// <param name="UseAgent"><c>AtomicDeployUseAgent</c>.</param>
/// <param name="ConfigFile"><c>AtomicDeploySshConfigFile</c>: null for ~/.ssh/config, <c>none</c> for no file.</param>
/// <param name="JumpHosts"><c>AtomicDeployJumpHost</c>: <c>[user@]host[:port]</c>, comma-separated, the first reached first; <c>none</c> for none even if the config names some.</param>
public sealed record SshConnectionRequest(
    string HostEntry,
    string? User,
    int? Port,
    string? KnownHostsFile,
    IReadOnlyList<string> PinnedFingerprints,
    HostKeyPolicy? Policy,
    string? PrivateKeyFile,
    string PrivateKeyVariable,
    string PassphraseVariable,
    string PasswordVariable,
    TimeSpan? ConnectTimeout,
    bool? UseAgent,
    string? ConfigFile,
    string? JumpHosts = null);

/// <summary>The settings to connect with, and what the log should say about how they were found.</summary>
/// <param name="Settings">The resolved settings.</param>
/// <param name="Summary">One line naming the ssh config file and the blocks that applied; null when no file was read.</param>
/// <param name="Ignored">One line per directive of the file that applied but is not used here.</param>
public sealed record SshResolution(SshSettings Settings, string? Summary, IReadOnlyList<string> Ignored);
