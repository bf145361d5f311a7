namespace AtomicDeploy.Core.Engine;

/// <summary>What a deploy is asked to do.</summary>
public enum DeployOperation
{
    /// <summary>A deploy: every setting is checked, the folder to deploy must exist.</summary>
    Deploy,

    /// <summary>A dry run: as a deploy, but nothing is written.</summary>
    Plan,

    /// <summary>The release list, a rollback or an unlock: only the connection and the commands matter.</summary>
    Inspect,
}

/// <summary>
/// The deploy's settings as the build gives them: text, unchecked. <see cref="DeploySettings.Parse"/>
/// checks every one of them, once, before any host is contacted.
/// </summary>
public sealed class DeployInputs
{
    /// <summary>Servers (<c>;</c> or <c>,</c> separated), <c>local</c> for this machine; empty: this machine.</summary>
    public string? Host { get; init; }

    /// <summary>The <c>AtomicDeployHost</c> items, with their metadata (port, user, role, switch settings).</summary>
    public IReadOnlyList<SettingsItem>? HostItems { get; init; }

    /// <summary>The <c>AtomicDeployRole</c> items: the switch settings of each role.</summary>
    public IReadOnlyList<SettingsItem>? RoleItems { get; init; }

    /// <summary>Port for a host that names none.</summary>
    public string? Port { get; init; }

    /// <summary>User for a host that names none.</summary>
    public string? User { get; init; }

    /// <summary>The deploy folder.</summary>
    public string? DeployPath { get; init; }

    /// <summary>OpenSSH known_hosts file.</summary>
    public string? KnownHostsFile { get; init; }

    /// <summary>Pinned fingerprints.</summary>
    public string? HostKeyFingerprint { get; init; }

    /// <summary><c>Strict</c> or <c>AcceptNew</c>.</summary>
    public string? HostKeyPolicy { get; init; }

    /// <summary>A private key file.</summary>
    public string? PrivateKeyFile { get; init; }

    /// <summary>The variable holding key text.</summary>
    public string? PrivateKeyVariable { get; init; }

    /// <summary>The variable holding the key's passphrase.</summary>
    public string? PassphraseVariable { get; init; }

    /// <summary>The variable holding a password.</summary>
    public string? PasswordVariable { get; init; }

    /// <summary>The OpenSSH client config to read (<c>none</c>: none).</summary>
    public string? SshConfigFile { get; init; }

    /// <summary>Jump hosts, comma-separated (<c>none</c>: none).</summary>
    public string? JumpHost { get; init; }

    /// <summary><c>true</c> or <c>false</c>: whether the ssh-agent's keys are offered.</summary>
    public string? UseAgent { get; init; }

    /// <summary>Seconds to wait for a connection.</summary>
    public string? ConnectTimeout { get; init; }

    /// <summary>Seconds one step may take on a server.</summary>
    public string? CommandTimeout { get; init; }

    /// <summary>Seconds to wait for another deploy's lock.</summary>
    public string? LockTimeout { get; init; }

    /// <summary><c>hardlink</c> or <c>copy</c>.</summary>
    public string? CopyMode { get; init; }

    /// <summary>The folder to deploy.</summary>
    public string? SourceDir { get; init; }

    /// <summary>The apphost's file name (the assembly name), which on Windows is given mode 0755 whatever its content.</summary>
    public string? AppHost { get; init; }

    /// <summary>The files this publish lists as its output.</summary>
    public IReadOnlyList<string>? PublishedFiles { get; init; }

    /// <summary>The record of earlier publishes' outputs (stale files are not deployed).</summary>
    public string? PublishRecordFile { get; init; }

    /// <summary>Releases to keep.</summary>
    public string? KeepReleases { get; init; }

    /// <summary>The declared shared paths.</summary>
    public IReadOnlyList<string>? SharedPaths { get; init; }

    /// <summary>Paths the live release links to <c>shared/</c> that the new release may hold a copy of its own at (sharing stopped on purpose).</summary>
    public IReadOnlyList<string>? UnsharedPaths { get; init; }

    /// <summary>The project folder, for git metadata.</summary>
    public string? ProjectDirectory { get; init; }

    /// <summary>The app's version.</summary>
    public string? AppVersion { get; init; }

    /// <summary>Whether a lower version than the live one may be deployed.</summary>
    public bool AllowDowngrade { get; init; }

    /// <summary>Whether a symlinked file whose target leaves the publish folder may be deployed.</summary>
    public bool AllowLinksOutside { get; init; }

    /// <summary><c>AtomicDeployForce</c>: deploy even when nothing changed.</summary>
    public bool Force { get; init; }

    /// <summary><c>AtomicDeployRestartUnchanged</c>: when nothing changed, deploy the same files so the switch commands and health check run.</summary>
    public bool RestartUnchanged { get; init; }

    /// <summary>The before-switch command.</summary>
    public string? BeforeSwitchCommand { get; init; }

    /// <summary>The after-switch command.</summary>
    public string? AfterSwitchCommand { get; init; }

    /// <summary>Seconds each command may run.</summary>
    public string? HookTimeout { get; init; }

    /// <summary>The health check URL.</summary>
    public string? HealthCheckUrl { get; init; }

    /// <summary>Seconds the health check keeps trying.</summary>
    public string? HealthCheckTimeout { get; init; }

    /// <summary><c>AtomicDeployOnceCommand</c>: run on one host in the new release before any host switches.</summary>
    public string? OnceCommand { get; init; }

    /// <summary><c>AtomicDeployOnceRole</c>: the run-once command runs on the first host of this role.</summary>
    public string? OnceRole { get; init; }

    /// <summary><c>AtomicDeployOnceEnvironment</c>: names of the build's environment variables passed to the run-once command.</summary>
    public string? OnceEnvironment { get; init; }

    /// <summary><c>AtomicDeployOnceTimeout</c>, in seconds.</summary>
    public string? OnceTimeout { get; init; }

    /// <summary><c>AtomicDeployRollout</c>: <c>all</c> (default) or <c>rolling</c>.</summary>
    public string? Rollout { get; init; }

    /// <summary><c>AtomicDeployBatchSize</c>: hosts per batch of a rolling deploy, a number or a percentage.</summary>
    public string? BatchSize { get; init; }

    /// <summary><c>AtomicDeployAppPorts</c>: the two loopback ports of two-slot mode.</summary>
    public string? AppPorts { get; init; }

    /// <summary><c>AtomicDeployAppStartCommand</c>.</summary>
    public string? AppStartCommand { get; init; }

    /// <summary><c>AtomicDeployAppStopCommand</c>.</summary>
    public string? AppStopCommand { get; init; }

    /// <summary><c>AtomicDeployAppHealthPath</c>.</summary>
    public string? AppHealthPath { get; init; }

    /// <summary><c>AtomicDeployAppStartTimeout</c>, in seconds.</summary>
    public string? AppStartTimeout { get; init; }

    /// <summary><c>AtomicDeployProxyReloadCommand</c>.</summary>
    public string? ProxyReloadCommand { get; init; }

    /// <summary><c>AtomicDeployService</c>: a systemd template unit whose instances are the slots.</summary>
    public string? Service { get; init; }

    /// <summary>How many hosts are worked on at once.</summary>
    public string? Parallelism { get; init; }

    /// <summary><c>AtomicDeployConnectLimit</c>: how many connections may be starting at once.</summary>
    public string? ConnectLimit { get; init; }

    /// <summary>What the deploy is asked to do.</summary>
    public DeployOperation Operation { get; init; } = DeployOperation.Deploy;

    /// <summary>
    /// For a deploy: take each host's deploy lock as soon as it is connected (the <c>AtomicDeploy</c>
    /// target, whose next task is always PrepareRelease), not in PrepareRelease.
    /// </summary>
    public bool LockOnConnect { get; init; }
}
