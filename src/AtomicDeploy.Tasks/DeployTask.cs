using System.Globalization;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Fleet;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;
using AtomicDeploy.Core.Ssh;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace AtomicDeploy.Tasks;

/// <summary>
/// What the five tasks share: the target's settings, the session that lives for the whole build,
/// and turning failures into coded errors. A failure before the switch aborts the deploy: the
/// half-made release is removed and the live one is left as it was.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A CancellationTokenSource without a timer holds nothing to release, and MSBuild may call Cancel after Execute returns.")]
public abstract class DeployTask : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>Servers: <c>host</c>, <c>host:port</c> or <c>user@host:port</c>; empty for the local target.</summary>
    public string? Host { get; set; }

    /// <summary>Port for a host that names none (default 22).</summary>
    public string? Port { get; set; }

    /// <summary>User for a host that names none (default: the current user).</summary>
    public string? User { get; set; }

    /// <summary>Absolute deploy folder on the server.</summary>
    [Required]
    public string DeployPath { get; set; } = string.Empty;

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

    /// <summary>Seconds one step may take on the server (default 600).</summary>
    public string? CommandTimeout { get; set; }

    /// <summary>Seconds to wait for the deploy lock while another deploy holds it (default 60; 0 fails at once).</summary>
    public string? LockTimeout { get; set; }

    /// <summary>The project being deployed: errors point at it, not at this package's targets file.</summary>
    public string? ProjectFile { get; set; }

    /// <summary>The cancellation of this task (Ctrl+C).</summary>
    protected CancellationToken CancellationToken => _cancellation.Token;

    /// <inheritdoc />
    public void Cancel() => _cancellation.Cancel();

    /// <inheritdoc />
    public sealed override bool Execute()
    {
        var log = new MsBuildDeployLog(Log, ProjectFile);
        try
        {
            Run(Core.Planning.DeployPath.Validate(DeployPath), log);
        }
        catch (DeployException e)
        {
            LogError(e.Code, e.Message);
            EndSession(e);
        }
        catch (OperationCanceledException)
        {
            LogError(ErrorCodes.Cancelled, "The deploy was cancelled.");
            EndSession(new DeployException(ErrorCodes.Cancelled, "cancelled"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            LogError(ErrorCodes.Internal, $"{GetType().Name} failed unexpectedly: {e.GetType().Name}: {e.Message}");
            EndSession(new DeployException(ErrorCodes.Internal, e.Message));
        }

        return !Log.HasLoggedErrors;
    }

    /// <summary>Does the task's step for the deploy folder <paramref name="root"/> (already validated).</summary>
    protected abstract void Run(string root, IDeployLog log);

    /// <summary>The session PrepareRelease opened in this build for this target, or a coded error.</summary>
    protected DeploySession CurrentSession(string root)
    {
        var session = SessionRegistry.Find<DeploySession>(BuildEngine4, SessionKey(root))
            ?? throw new DeployException(ErrorCodes.NoPreparedRelease,
                $"No release is being prepared for {DescribeTarget(root)} in this build: run PrepareRelease (with the same host and path) before this task.");
        session.LogTo(new MsBuildDeployLog(Log, ProjectFile));
        return session;
    }

    /// <summary>The fleet PrepareRelease opened in this build when <c>AtomicDeployHost</c> names several hosts; null for one host.</summary>
    protected FleetSession? CurrentFleet(string root)
    {
        if (HostEntries.Count < 2)
        {
            return null;
        }

        var fleet = SessionRegistry.Find<FleetSession>(BuildEngine4, SessionKey(root))
            ?? throw new DeployException(ErrorCodes.NoPreparedRelease, $"No release is being prepared for {DescribeTarget(root)} in this build: run PrepareRelease (with the same hosts and path) before this task.");
        fleet.LogTo(new MsBuildDeployLog(Log, ProjectFile));
        return fleet;
    }

    /// <summary>Connects to every host of the fleet and registers the fleet for the other tasks of this build.</summary>
    protected FleetSession OpenFleet(string root, Core.History.DeployContext context, IDeployLog log, int parallelism)
    {
        var hosts = FleetHosts.Settings(HostEntries, SshSettings);
        var fleet = FleetSession.Open(
            hosts.Select(h => (h.Host.ToString(), (Func<IRemoteShell>)(() => SshShell.Connect(h, Environment.GetEnvironmentVariable, HomeFolder, CancellationToken)))).ToArray(),
            root, context, log, new RemoteTimeouts(CommandTimeoutValue, LockWaitValue), parallelism);
        SessionRegistry.Register(BuildEngine4, SessionKey(root), fleet);
        return fleet;
    }

    /// <summary>The hosts <c>AtomicDeployHost</c> names, <c>;</c>- or <c>,</c>-separated (several: a fleet).</summary>
    protected IReadOnlyList<string> HostEntries => (Host ?? string.Empty).Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Opens the connection (or the local target) and registers the session for the other tasks of this build.</summary>
    protected DeploySession OpenSession(string root, Core.History.DeployContext context, IDeployLog log)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var session = new DeploySession(OpenShell(), root, context, log, CommandTimeoutValue, clock) { LockWait = LockWaitValue };
        SessionRegistry.Register(BuildEngine4, SessionKey(root), session);
        return session;
    }

    /// <summary>Opens the target's shell: an SSH connection (host key verified, authenticated), or this machine.</summary>
    protected IRemoteShell OpenShell() =>
        string.IsNullOrWhiteSpace(Host)
            ? new LocalShell()
            : SshShell.Connect(SshSettings(), Environment.GetEnvironmentVariable, HomeFolder, CancellationToken);

    /// <summary>How long to wait for the deploy lock while another deploy holds it (0: not at all).</summary>
    protected TimeSpan LockWaitValue => TimeSpan.FromSeconds(WholeNumber(LockTimeout, 60, 0, ErrorCodes.TimeoutInvalid, "AtomicDeployLockTimeout"));

    /// <summary>How long one step may take on the target.</summary>
    protected TimeSpan CommandTimeoutValue => Seconds(CommandTimeout, 600, "AtomicDeployCommandTimeout");

    /// <summary>Ends the session: unregisters it and closes its connection.</summary>
    protected void CloseSession(string root) => SessionRegistry.Remove(BuildEngine4, SessionKey(root))?.Dispose();

    /// <summary>Validates a whole number property.</summary>
    protected static int WholeNumber(string? text, int fallback, int minimum, string code, string property)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new DeployException(code, $"{property} is '{text}'; it must be a whole number of at least {minimum}.");
    }

    /// <summary>Checks the settings used to connect, without connecting.</summary>
    protected SshSettings? ValidateConnection() => string.IsNullOrWhiteSpace(Host) ? null : SshSettings();

    private static string HomeFolder => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private SshSettings SshSettings()
    {
        var hosts = HostEntries;
        return hosts.Count == 1
            ? SshSettings(hosts[0])
            : throw new DeployException(ErrorCodes.HostInvalid, $"AtomicDeployHost '{Host}' names {hosts.Count} hosts; this target works on one host at a time (a deploy with dotnet publish goes to them all). Run it once per host.");
    }

    private SshSettings SshSettings(string host)
    {
        // The ssh config is read here; the properties set win over it (SshConnectionResolver).
        var request = new SshConnectionRequest(
            host,
            string.IsNullOrWhiteSpace(User) ? null : User.Trim(),
            string.IsNullOrWhiteSpace(Port) ? null : WholeNumber(Port, 22, 1, ErrorCodes.HostInvalid, "AtomicDeployPort"),
            string.IsNullOrWhiteSpace(KnownHostsFile) ? null : KnownHostsFile,
            HostKeyCheck.ParseFingerprints(HostKeyFingerprint),
            (HostKeyPolicy ?? string.Empty).Trim() switch
            {
                "" => null,
                "Strict" => Core.Ssh.HostKeyPolicy.Strict,
                "AcceptNew" => Core.Ssh.HostKeyPolicy.AcceptNew,
                var other => throw new DeployException(ErrorCodes.HostKeySettingInvalid, $"AtomicDeployHostKeyPolicy is '{other}'; use Strict or AcceptNew."),
            },
            string.IsNullOrWhiteSpace(PrivateKeyFile) ? null : PrivateKeyFile,
            Or(PrivateKeyVariable, "ATOMICDEPLOY_SSH_KEY"),
            Or(PassphraseVariable, "ATOMICDEPLOY_SSH_PASSPHRASE"),
            Or(PasswordVariable, "ATOMICDEPLOY_SSH_PASSWORD"),
            string.IsNullOrWhiteSpace(ConnectTimeout) ? null : Seconds(ConnectTimeout, 30, "AtomicDeployConnectTimeout"),
            (UseAgent ?? string.Empty).Trim().ToLowerInvariant() switch
            {
                "" => null,
                "true" => true,
                "false" => false,
                var other => throw new DeployException(ErrorCodes.UseAgentInvalid, $"AtomicDeployUseAgent is '{other}'; use true or false."),
            },
            string.IsNullOrWhiteSpace(SshConfigFile) ? null : SshConfigFile.Trim(),
            string.IsNullOrWhiteSpace(JumpHost) ? null : JumpHost.Trim());
        var resolution = SshConnectionResolver.Resolve(request, HomeFolder, Environment.UserName);
        if (resolution.Summary is not null)
        {
            Log.LogMessage(MessageImportance.Normal, resolution.Summary);
        }

        foreach (var ignored in resolution.Ignored)
        {
            Log.LogMessage(MessageImportance.Low, ignored);
        }

        return resolution.Settings;
    }

    private static TimeSpan Seconds(string? text, int fallback, string property) =>
        TimeSpan.FromSeconds(WholeNumber(text, fallback, 1, ErrorCodes.TimeoutInvalid, property));

    private static string Or(string? value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();

    private string SessionKey(string root) => $"AtomicDeploy.Session|{(Host ?? string.Empty).Trim()}|{Port}|{User}|{root}";

    private string DescribeTarget(string root) => string.IsNullOrWhiteSpace(Host) ? $"{root} on this machine" : $"{root} on {Host}";

    private void EndSession(DeployException reason)
    {
        string root;
        try
        {
            root = Core.Planning.DeployPath.Validate(DeployPath);
        }
        catch (DeployException)
        {
            return;
        }

        var session = SessionRegistry.Remove(BuildEngine4, SessionKey(root));
        (session as DeploySession)?.Abort(reason);
        if (session is FleetSession fleet)
        {
            fleet.LogTo(new MsBuildDeployLog(Log, ProjectFile));
            fleet.Abort(reason);
        }

        session?.Dispose();
    }

    private void LogError(string code, string message) =>
        Log.LogError(null, code, null, ProjectFile, 0, 0, 0, 0, message);
}
