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
        new(
            new HostAddress(server.User, "127.0.0.1", server.Port),
            knownHosts ?? server.KnownHostsFile,
            pinned ?? [],
            policy,
            keyFile ?? server.ClientKeyFile,
            "ATOMICDEPLOY_TEST_UNSET_KEY",
            "ATOMICDEPLOY_TEST_UNSET_PASSPHRASE",
            "ATOMICDEPLOY_TEST_UNSET_PASSWORD",
            TimeSpan.FromSeconds(10));

    public static IRemoteShell Connect(SshSettings settings) =>
        SshShell.Connect(settings, _ => null, "/nonexistent-home", CancellationToken.None);

    /// <summary>A whole deploy over SSH: prepare, upload, link, switch, prune. On failure the session aborts, as the tasks do.</summary>
    public static string Deploy(SshServer server, string root, string source, RecordingLog? log = null, string[]? shared = null, int keep = 3) =>
        Deploy(Connect(Settings(server)), root, source, log, shared, keep);

    public static string Deploy(IRemoteShell shell, string root, string source, RecordingLog? log = null, string[]? shared = null, int keep = 3)
    {
        using var session = new DeploySession(shell, root, Context, log ?? new RecordingLog(), TimeSpan.FromMinutes(2));
        try
        {
            var release = session.Prepare(CopyMode.HardLink, DateTime.UtcNow, CancellationToken.None);
            session.Upload(source, null, CancellationToken.None);
            session.LinkShared(shared ?? [], CancellationToken.None);
            session.Switch(CancellationToken.None);
            session.Prune(keep, CancellationToken.None);
            return release;
        }
        catch (DeployException e)
        {
            session.Abort(e);
            throw;
        }
    }
}
