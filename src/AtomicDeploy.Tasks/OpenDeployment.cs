using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Checks every setting of the deploy (so bad input never reaches a server), then connects to every
/// host and outputs the <see cref="Handle"/> that the step tasks, the release list, rollback, unlock
/// and the dry run take. The connections live until the deploy ends or the build does.
/// </summary>
public sealed class OpenDeployment : AtomicDeployTask
{
    /// <summary>Servers: <c>host</c>, <c>host:port</c> or <c>user@host:port</c>, separated by <c>;</c> or <c>,</c>; <c>local</c> or empty: this machine.</summary>
    public string? Host { get; set; }

    /// <summary>
    /// The <c>AtomicDeployHost</c> items: a host's <c>Port</c>, <c>User</c> and <c>Role</c>, and its own
    /// <c>BeforeSwitchCommand</c>, <c>AfterSwitchCommand</c> and <c>HealthCheckUrl</c>, which win over its role's and the properties.
    /// </summary>
    public ITaskItem[]? HostItems { get; set; }

    /// <summary>The <c>AtomicDeployRole</c> items: a role's <c>BeforeSwitchCommand</c>, <c>AfterSwitchCommand</c> and <c>HealthCheckUrl</c>, which win over the properties.</summary>
    public ITaskItem[]? RoleItems { get; set; }

    /// <summary>Port for a host that names none (default 22).</summary>
    public string? Port { get; set; }

    /// <summary>User for a host that names none (default: the current user).</summary>
    public string? User { get; set; }

    /// <summary>Absolute deploy folder on every host.</summary>
    public string? DeployPath { get; set; }

    /// <summary>OpenSSH known_hosts file (default <c>~/.ssh/known_hosts</c>).</summary>
    public string? KnownHostsFile { get; set; }

    /// <summary>Pinned <c>SHA256:</c> fingerprints, <c>;</c>-separated.</summary>
    public string? HostKeyFingerprint { get; set; }

    /// <summary><c>Strict</c> (default) or <c>AcceptNew</c>.</summary>
    public string? HostKeyPolicy { get; set; }

    /// <summary>OpenSSH private key file (default: the first of <c>~/.ssh/id_ed25519</c>, <c>id_ecdsa</c>, <c>id_rsa</c>).</summary>
    public string? PrivateKeyFile { get; set; }

    /// <summary>Name of the environment variable holding key text.</summary>
    public string? PrivateKeyVariable { get; set; }

    /// <summary>Name of the environment variable holding the key's passphrase.</summary>
    public string? PassphraseVariable { get; set; }

    /// <summary>Name of the environment variable holding a password.</summary>
    public string? PasswordVariable { get; set; }

    /// <summary>OpenSSH client config to read (default <c>~/.ssh/config</c>; <c>none</c>: none).</summary>
    public string? SshConfigFile { get; set; }

    /// <summary>Jump hosts, <c>[user@]host[:port]</c>, comma-separated, the first reached first (<c>none</c>: none, even if the ssh config names some).</summary>
    public string? JumpHost { get; set; }

    /// <summary><c>false</c> keeps the ssh-agent's keys out (default <c>true</c>).</summary>
    public string? UseAgent { get; set; }

    /// <summary>Seconds to wait for a connection (default 30).</summary>
    public string? ConnectTimeout { get; set; }

    /// <summary>Seconds one step may take on a server (default 600).</summary>
    public string? CommandTimeout { get; set; }

    /// <summary>Seconds to wait for the deploy lock while another deploy holds it (default 60; 0 fails at once, after one second for a deploy that is letting go of it).</summary>
    public string? LockTimeout { get; set; }

    /// <summary><c>hardlink</c> (default) or <c>copy</c>.</summary>
    public string? CopyMode { get; set; }

    /// <summary>The folder to deploy.</summary>
    public string? SourceDir { get; set; }

    /// <summary>
    /// The files this publish lists as its output (full paths inside <see cref="SourceDir"/>, or
    /// relative to it). With <see cref="PublishRecordFile"/>, files that the record knows and this
    /// publish does not list are stale and are not deployed.
    /// </summary>
    public string[]? PublishedFiles { get; set; }

    /// <summary>The record of the files earlier publishes to this folder listed (written by the package's targets after every publish).</summary>
    public string? PublishRecordFile { get; set; }

    /// <summary>Releases to keep, at least 1 (default 3).</summary>
    public string? KeepReleases { get; set; }

    /// <summary>Paths to create in <c>shared/</c> if missing: a trailing <c>/</c> makes a folder, otherwise an empty file.</summary>
    public string[]? SharedPaths { get; set; }

    /// <summary>Paths the live release links to <c>shared/</c> that the new release may hold a copy of its own at (sharing stopped on purpose).</summary>
    public string[]? UnsharedPaths { get; set; }

    /// <summary>The project folder, for git metadata.</summary>
    public string? ProjectDirectory { get; set; }

    /// <summary>The app's <c>$(Version)</c>, recorded in the history.</summary>
    public string? AppVersion { get; set; }

    /// <summary>Whether a lower <c>$(Version)</c> than the live release's may be deployed.</summary>
    public bool AllowDowngrade { get; set; }

    /// <summary>The apphost's file name (<c>$(AssemblyName)</c>): on Windows it is deployed executable whatever its content.</summary>
    public string? AppHost { get; set; }

    /// <summary><c>AtomicDeployForce</c>: deploy a new release even when nothing changed.</summary>
    public bool Force { get; set; }

    /// <summary><c>AtomicDeployRestartUnchanged</c>: when nothing changed, deploy the same files again so the switch commands and health check run.</summary>
    public bool RestartUnchanged { get; set; }

    /// <summary><c>AtomicDeployAllowLinksOutside</c>: deploy symlinked files whose target is outside the publish folder.</summary>
    public bool AllowLinksOutside { get; set; }

    /// <summary>Shell command run in the new release before the switch; a failure aborts the deploy.</summary>
    public string? BeforeSwitchCommand { get; set; }

    /// <summary>Shell command run in the new release after the switch (e.g. <c>sudo systemctl restart myapp</c>).</summary>
    public string? AfterSwitchCommand { get; set; }

    /// <summary>Seconds each command may run (default 300).</summary>
    public string? HookTimeout { get; set; }

    /// <summary>URL fetched on the server after the switch; a failure puts the previous release back.</summary>
    public string? HealthCheckUrl { get; set; }

    /// <summary>Seconds the health check keeps trying (default 30).</summary>
    public string? HealthCheckTimeout { get; set; }

    /// <summary><c>AtomicDeployOnceCommand</c>: run on one host, in the new release, after every host is ready and before any switches (e.g. a migrations bundle).</summary>
    public string? OnceCommand { get; set; }

    /// <summary><c>AtomicDeployOnceRole</c>: the run-once command runs on the first host of this role (default: the first host).</summary>
    public string? OnceRole { get; set; }

    /// <summary><c>AtomicDeployOnceEnvironment</c>: names of the build's environment variables the run-once command is given (their values are never logged).</summary>
    public string? OnceEnvironment { get; set; }

    /// <summary><c>AtomicDeployOnceTimeout</c>: seconds the run-once command may run (default: <see cref="HookTimeout"/>).</summary>
    public string? OnceTimeout { get; set; }

    /// <summary><c>AtomicDeployRollout</c>: <c>all</c> (default) or <c>rolling</c> (hosts switch in batches, each after the one before passed its checks).</summary>
    public string? Rollout { get; set; }

    /// <summary><c>AtomicDeployBatchSize</c>: hosts per batch of a rolling deploy, a number or a percentage (default 1).</summary>
    public string? BatchSize { get; set; }

    /// <summary><c>AtomicDeployAppPorts</c>: two loopback ports turn on two-slot mode.</summary>
    public string? AppPorts { get; set; }

    /// <summary><c>AtomicDeployAppStartCommand</c>: starts the app on <c>$ATOMICDEPLOY_APP_PORT</c>.</summary>
    public string? AppStartCommand { get; set; }

    /// <summary><c>AtomicDeployAppStopCommand</c>: stops the app on <c>$ATOMICDEPLOY_APP_PORT</c>.</summary>
    public string? AppStopCommand { get; set; }

    /// <summary><c>AtomicDeployAppHealthPath</c>: requested on the new slot's port (default <c>/</c>).</summary>
    public string? AppHealthPath { get; set; }

    /// <summary><c>AtomicDeployAppStartTimeout</c>: seconds the new slot may take to answer (default 60).</summary>
    public string? AppStartTimeout { get; set; }

    /// <summary><c>AtomicDeployProxyReloadCommand</c> (default <c>sudo systemctl reload nginx</c>).</summary>
    public string? ProxyReloadCommand { get; set; }

    /// <summary><c>AtomicDeployService</c>: a systemd template unit whose instances are the slots.</summary>
    public string? Service { get; set; }

    /// <summary>How many hosts are worked on at once (default: all).</summary>
    public string? Parallelism { get; set; }

    /// <summary>How many connections may be starting at once (default 30).</summary>
    public string? ConnectLimit { get; set; }

    /// <summary><c>deploy</c> (default), <c>plan</c> (a dry run) or <c>inspect</c> (release list, rollback, unlock: no folder to deploy needed).</summary>
    public string? Operation { get; set; }

    /// <summary>
    /// For a deploy whose next task is PrepareRelease (the <c>AtomicDeploy</c> target): take each
    /// host's deploy lock as soon as it is connected; PrepareRelease reports a lock it could not take.
    /// </summary>
    public bool LockOnConnect { get; set; }

    /// <summary>
    /// True: only connect ahead (<see cref="HostAhead"/>), while the publish still runs: when every
    /// setting reads, start connecting every host, for the deploy's own OpenDeployment to take later
    /// in the build. Nothing runs on a server. Never fails and never logs a warning: anything wrong is
    /// left for the deploy to meet and report.
    /// </summary>
    public bool Ahead { get; set; }

    /// <summary>The open deployment, for the tasks that follow.</summary>
    [Output]
    public string Handle { get; private set; } = string.Empty;

    /// <inheritdoc />
    protected override void Run()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (Ahead)
        {
            ConnectAhead(home);
            return;
        }

        var log = DeployLog;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var settings = DeploySettings.Parse(Inputs(), home, log);
        var parsed = clock.Elapsed;
        // Connections made ahead for this project with the same settings are taken, the others made now.
        var ahead = new System.Collections.Concurrent.ConcurrentDictionary<string, HostAhead>(StringComparer.Ordinal);
        foreach (var key in settings.Hosts.Select(AheadKey))
        {
            if (BuildEngine4.UnregisterTaskObject(key, RegisteredTaskObjectLifetime.Build) is HostAhead made)
            {
                ahead[key] = made;
            }
        }

        var aheadCount = 0;
        Deployment deployment;
        try
        {
            deployment = Deployment.Open(settings, log, target =>
            {
                if (!ahead.TryRemove(AheadKey(target), out var made))
                {
                    return target.Connect(Environment.GetEnvironmentVariable, home, CancellationToken);
                }

                var shell = made.Take(CancellationToken);
                Interlocked.Increment(ref aheadCount);
                return shell;
            }, CancellationToken);
        }
        finally
        {
            foreach (var left in ahead.Values)
            {
                left.Dispose();
            }
        }

        if (aheadCount > 0)
        {
            log.Detail($"AtomicDeploy: {(aheadCount == settings.Hosts.Count ? "every connection was" : $"{aheadCount} of {settings.Hosts.Count} connections were")} made while the publish ran.");
        }

        Handle = DeploymentRegistry.Register(BuildEngine4, deployment, ProjectFile);
        if (Environment.GetEnvironmentVariable("ATOMICDEPLOY_TRACE") == "1")
        {
            // Where a cold build process spends its time before the first step (the benchmark reads this line).
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            var started = DateTime.Now - process.StartTime - clock.Elapsed;
            log.Summary(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"AtomicDeploy trace: process start to OpenDeployment {started.TotalMilliseconds:0} ms, settings (git included) {parsed.TotalMilliseconds:0} ms, connect and lock {(clock.Elapsed - parsed).TotalMilliseconds:0} ms"));
        }
    }

    private void ConnectAhead(string home)
    {
        var unregistered = new List<HostAhead>();
        try
        {
            var settings = DeploySettings.Parse(Inputs(), home, Quiet.Log);
            var started = HostAhead.Start(settings, Environment.GetEnvironmentVariable, home);
            unregistered.AddRange(started);
            foreach (var (key, ahead) in settings.Hosts.Select(AheadKey).Zip(started))
            {
                // A project published twice in one build: the connection its first publish left untaken goes.
                (BuildEngine4.UnregisterTaskObject(key, RegisteredTaskObjectLifetime.Build) as IDisposable)?.Dispose();
                BuildEngine4.RegisterTaskObject(key, ahead, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
                unregistered.Remove(ahead);
            }

            if (started.Count > 0)
            {
                Log.LogMessage(MessageImportance.Low, $"AtomicDeploy: connecting to {string.Join(", ", settings.Hosts.Select(h => h.Name))} while the publish runs.");
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The deploy reads the settings again and reports what is wrong with them.
            Log.LogMessage(MessageImportance.Low, $"AtomicDeploy: not connecting ahead ({(e is DeployException coded ? coded.Code : e.GetType().Name)}).");
            foreach (var ahead in unregistered)
            {
                ahead.Dispose();
            }
        }
    }

    /// <summary>Where a connection made ahead for <paramref name="host"/> of this project waits for the deploy.</summary>
    private string AheadKey(DeployTarget host) => "AtomicDeploy.Ahead|" + ProjectFile + "|" + HostAhead.KeyOf(host);

    private DeployInputs Inputs() => new()
    {
        Host = Host,
        HostItems = Items(HostItems),
        RoleItems = Items(RoleItems),
        Port = Port,
        User = User,
        DeployPath = DeployPath,
        KnownHostsFile = KnownHostsFile,
        HostKeyFingerprint = HostKeyFingerprint,
        HostKeyPolicy = HostKeyPolicy,
        PrivateKeyFile = PrivateKeyFile,
        PrivateKeyVariable = PrivateKeyVariable,
        PassphraseVariable = PassphraseVariable,
        PasswordVariable = PasswordVariable,
        SshConfigFile = SshConfigFile,
        JumpHost = JumpHost,
        UseAgent = UseAgent,
        ConnectTimeout = ConnectTimeout,
        CommandTimeout = CommandTimeout,
        LockTimeout = LockTimeout,
        CopyMode = CopyMode,
        SourceDir = SourceDir,
        PublishedFiles = PublishedFiles,
        PublishRecordFile = PublishRecordFile,
        KeepReleases = KeepReleases,
        SharedPaths = SharedPaths,
        UnsharedPaths = UnsharedPaths,
        ProjectDirectory = ProjectDirectory,
        AppVersion = AppVersion,
        AllowDowngrade = AllowDowngrade,
        AllowLinksOutside = AllowLinksOutside,
        Force = Force,
        AppHost = AppHost,
        RestartUnchanged = RestartUnchanged,
        BeforeSwitchCommand = BeforeSwitchCommand,
        AfterSwitchCommand = AfterSwitchCommand,
        HookTimeout = HookTimeout,
        HealthCheckUrl = HealthCheckUrl,
        HealthCheckTimeout = HealthCheckTimeout,
        OnceCommand = OnceCommand,
        OnceRole = OnceRole,
        OnceEnvironment = OnceEnvironment,
        OnceTimeout = OnceTimeout,
        Rollout = Rollout,
        BatchSize = BatchSize,
        Parallelism = Parallelism,
        ConnectLimit = ConnectLimit,
        AppPorts = AppPorts,
        AppStartCommand = AppStartCommand,
        AppStopCommand = AppStopCommand,
        AppHealthPath = AppHealthPath,
        AppStartTimeout = AppStartTimeout,
        ProxyReloadCommand = ProxyReloadCommand,
        Service = Service,
        LockOnConnect = LockOnConnect,
        Operation = (Operation ?? string.Empty).Trim().ToUpperInvariant() switch
        {
            "" or "DEPLOY" => DeployOperation.Deploy,
            "PLAN" => DeployOperation.Plan,
            "INSPECT" => DeployOperation.Inspect,
            _ => throw new DeployException(ErrorCodes.Internal, $"OpenDeployment's Operation is '{Operation}'; use deploy, plan or inspect."),
        },
    };

    /// <summary>Each item's name and custom metadata (MSBuild's well-known metadata left out).</summary>
    private static SettingsItem[] Items(ITaskItem[]? items) =>
        (items ?? []).Select(i => new SettingsItem(i.ItemSpec, i.CloneCustomMetadata().Keys.Cast<string>().ToDictionary(name => name, i.GetMetadata, StringComparer.OrdinalIgnoreCase))).ToArray();
}
