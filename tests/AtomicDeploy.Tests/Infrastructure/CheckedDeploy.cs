using AtomicDeploy.Core.Engine;
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
        using var deployment = EngineDeploy.Open(EngineDeploy.Connect(EngineDeploy.Settings(server)), EngineDeploy.Deploy(root, source, hooks: hooks, context: context, timeout: Timeout), log);
        return deployment.Run(DateTime.UtcNow, CancellationToken.None);
    }

    public static ReleaseHistory History(SshServer server, string root)
    {
        using var shell = EngineDeploy.Connect(EngineDeploy.Settings(server));
        return ServerInspection.Read(shell, root, withManifest: false, Timeout, CancellationToken.None).History;
    }

    public static string Rollback(SshServer server, string root, string? to = null, RecordingLog? log = null, SwitchHookSettings? hooks = null)
    {
        using var deployment = EngineDeploy.Open(EngineDeploy.Connect(EngineDeploy.Settings(server)), EngineDeploy.Deploy(root, null, hooks: hooks, timeout: Timeout, lockWait: TimeSpan.FromSeconds(10)), log);
        return Core.Operations.Rollback.Run(deployment, to, CancellationToken.None);
    }

    public static SwitchHookSettings Hooks(string? before = null, string? after = null, int hookSeconds = 60, string? healthUrl = null, int healthSeconds = 5) =>
        new(before, after, TimeSpan.FromSeconds(hookSeconds), healthUrl is null ? null : new Uri(healthUrl), TimeSpan.FromSeconds(healthSeconds));
}
