using AtomicDeploy.Core;
using AtomicDeploy.Core.History;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>Runs the engine's five steps the way the MSBuild targets do, against the test sshd or the local target.</summary>
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

    /// <summary>A whole deploy over SSH: prepare, upload, link, switch, prune. On failure the session aborts, as the tasks do.</summary>
    public static string Deploy(SshServer server, string root, string source, RecordingLog? log = null, string[]? shared = null, int keep = 3) =>
        Deploy(Connect(Settings(server)), root, source, log, shared, keep);

    /// <summary>A whole deploy on an open shell; <paramref name="stepDone"/> hears each step's task name as it ends (the benchmark times them).</summary>
    public static string Deploy(IRemoteShell shell, string root, string source, RecordingLog? log = null, string[]? shared = null, int keep = 3, Action<string>? stepDone = null)
    {
        using var session = new DeploySession(shell, root, Context, log ?? new RecordingLog(), TimeSpan.FromMinutes(2));
        stepDone ??= _ => { };
        try
        {
            var release = session.Prepare(CopyMode.HardLink, DateTime.UtcNow, CancellationToken.None);
            stepDone("PrepareRelease");
            session.Upload(source, null, CancellationToken.None);
            stepDone("UploadChanged");
            session.LinkShared(shared ?? [], CancellationToken.None);
            stepDone("LinkShared");
            session.Switch(CancellationToken.None);
            stepDone("SwitchCurrent");
            session.Prune(keep, CancellationToken.None);
            stepDone("PruneReleases");
            return release;
        }
        catch (DeployException e)
        {
            session.Abort(e);
            throw;
        }
    }
}
