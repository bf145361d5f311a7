using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.History;
using AtomicDeploy.Core.Operations;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>Runs the engine's steps the way the MSBuild targets do, against the test sshd or the local target.</summary>
internal static class EngineDeploy
{
    public static readonly DeployContext Context = new("tester", "test-machine", "1.2.3", null);

    public static SshSettings Settings(SshServer server, string? knownHosts = null, string? keyFile = null, IReadOnlyList<string>? pinned = null, HostKeyPolicy policy = HostKeyPolicy.Strict) =>
        Settings(server.User, server.Port, knownHosts ?? server.KnownHostsFile, keyFile ?? server.ClientKeyFile, pinned, policy);

    /// <summary>Settings for a server reached on another port (the benchmark's shaped link, or a server another process started).</summary>
    public static SshSettings Settings(string user, int port, string knownHosts, string keyFile, IReadOnlyList<string>? pinned = null, HostKeyPolicy policy = HostKeyPolicy.Strict) =>
        new(
            new HostAddress(user, "127.0.0.1", port),
            knownHosts,
            pinned ?? [],
            policy,
            keyFile,
            "ATOMICDEPLOY_TEST_UNSET_KEY",
            "ATOMICDEPLOY_TEST_UNSET_PASSPHRASE",
            "ATOMICDEPLOY_TEST_UNSET_PASSWORD",
            TimeSpan.FromSeconds(10));

    public static IRemoteShell Connect(SshSettings settings) =>
        SshShell.Connect(settings, _ => null, "/nonexistent-home", CancellationToken.None);

    /// <summary>The settings of a deploy to <paramref name="root"/> of <paramref name="source"/> (null: nothing to deploy), with the tests' defaults.</summary>
    public static DeploySettings Deploy(string root, string? source, IReadOnlyList<DeployTarget>? hosts = null, string[]? shared = null, int keep = 3, SwitchHookSettings? hooks = null, DeployContext? context = null, TimeSpan? timeout = null, TimeSpan? lockWait = null, int parallelism = int.MaxValue, bool force = false, bool restartUnchanged = false) => new()
    {
        Hosts = hosts ?? [DeployTarget.Local],
        Root = root,
        Keep = keep,
        Shared = SharedPathList.Parse(shared ?? []),
        Hooks = hooks ?? SwitchHookSettings.None,
        Timeouts = new RemoteTimeouts(timeout ?? TimeSpan.FromMinutes(2), lockWait ?? TimeSpan.FromSeconds(60)),
        Parallelism = parallelism,
        Source = new DeploySource(source, new HashSet<string>()),
        Context = context ?? Context,
        Force = force,
        RestartUnchanged = restartUnchanged,
    };

    /// <summary>A deployment of <paramref name="settings"/> on one open shell (its name is the host's).</summary>
    public static Deployment Open(IRemoteShell shell, DeploySettings settings, RecordingLog? log = null) =>
        Deployment.Open(settings with { Hosts = [new DeployTarget(shell.Name, null)] }, log ?? new RecordingLog(), _ => shell);

    /// <summary>A deployment to the test sshd.</summary>
    public static Deployment Open(SshServer server, string root, string? source, RecordingLog? log = null, TimeSpan? timeout = null, TimeSpan? lockWait = null) =>
        Open(Connect(Settings(server)), Deploy(root, source, timeout: timeout, lockWait: lockWait), log);

    /// <summary>A whole deploy over SSH: prepare, upload, link, switch, prune. On failure the deployment aborts, as the tasks do.</summary>
    public static string Deploy(SshServer server, string root, string source, RecordingLog? log = null, string[]? shared = null, int keep = 3) =>
        Deploy(Connect(Settings(server)), root, source, log, shared, keep);

    /// <summary>A whole deploy on an open shell; <paramref name="stepDone"/> hears each step's task name as it ends (the benchmark times them).</summary>
    public static string Deploy(IRemoteShell shell, string root, string source, RecordingLog? log = null, string[]? shared = null, int keep = 3, Action<string>? stepDone = null, string[]? unshared = null)
    {
        using var deployment = Open(shell, Deploy(root, source, shared: shared, keep: keep) with { Unshared = SharedPathList.Parse(unshared ?? []) }, log);
        stepDone ??= _ => { };
        try
        {
            deployment.Prepare(DateTime.UtcNow, CancellationToken.None);
            stepDone("PrepareRelease");
            deployment.Upload(CancellationToken.None);
            stepDone("UploadChanged");
            deployment.LinkShared(CancellationToken.None);
            stepDone("LinkShared");
            deployment.Switch(CancellationToken.None);
            stepDone("SwitchCurrent");
            deployment.Prune(CancellationToken.None);
            stepDone("PruneReleases");
            // The new release, or when nothing changed the live one.
            return deployment.Release!;
        }
        catch (DeployException e)
        {
            deployment.Abort(e);
            throw;
        }
    }
}
