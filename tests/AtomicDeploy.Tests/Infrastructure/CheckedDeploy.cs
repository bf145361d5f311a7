using AtomicDeploy.Core;
using AtomicDeploy.Core.History;
using AtomicDeploy.Core.Operations;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// A deploy over SSH the way the package's targets run it with commands and a health check:
/// prepare, upload, link, the checked switch, prune; on failure the session aborts, as the tasks do.
/// </summary>
internal static class CheckedDeploy
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static DeployContext Context(string version, string? commit = null) =>
        new("tester", "test-machine", version, commit is null ? null : new GitInfo(commit, "main", false));

    public static string Deploy(SshServer server, string root, string source, SwitchHookSettings? hooks = null, DeployContext? context = null, RecordingLog? log = null)
    {
        log ??= new RecordingLog();
        using var session = new DeploySession(EngineDeploy.Connect(EngineDeploy.Settings(server)), root, context ?? EngineDeploy.Context, log, Timeout);
        try
        {
            var release = session.Prepare(CopyMode.HardLink, DateTime.UtcNow, CancellationToken.None);
            session.Upload(source, null, CancellationToken.None);
            session.LinkShared([], CancellationToken.None);
            CheckedSwitch.Run(session, hooks ?? SwitchHookSettings.None, log, CancellationToken.None);
            session.Prune(3, CancellationToken.None);
            return release;
        }
        catch (DeployException e)
        {
            session.Abort(e);
            throw;
        }
    }

    public static ReleaseHistory History(SshServer server, string root)
    {
        using var shell = EngineDeploy.Connect(EngineDeploy.Settings(server));
        return ServerInspection.Read(shell, root, withManifest: false, Timeout, CancellationToken.None).History;
    }

    public static string Rollback(SshServer server, string root, string? to = null, RecordingLog? log = null, SwitchHookSettings? hooks = null)
    {
        using var shell = EngineDeploy.Connect(EngineDeploy.Settings(server));
        return Core.Operations.Rollback.Run(shell, root, to, EngineDeploy.Context, hooks ?? SwitchHookSettings.None, log ?? new RecordingLog(), new RemoteTimeouts(Timeout, TimeSpan.FromSeconds(10)), CancellationToken.None);
    }

    public static SwitchHookSettings Hooks(string? before = null, string? after = null, int hookSeconds = 60, string? healthUrl = null, int healthSeconds = 5) =>
        new(before, after, TimeSpan.FromSeconds(hookSeconds), healthUrl is null ? null : new Uri(healthUrl), TimeSpan.FromSeconds(healthSeconds));
}
