using AtomicDeploy.Core;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Keeps one session (and so one SSH connection) per target for the whole build, shared by the
/// five tasks through MSBuild's registered task objects. MSBuild disposes what is left at the end
/// of the build, which cleans up a deploy that a custom target left unfinished.
/// </summary>
internal static class SessionRegistry
{
    public static void Register(IBuildEngine4 engine, string key, DeploySession session)
    {
        Remove(engine, key)?.Dispose();
        engine.RegisterTaskObject(key, session, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
    }

    public static DeploySession? Find(IBuildEngine4 engine, string key) =>
        engine.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) as DeploySession;

    public static DeploySession? Remove(IBuildEngine4 engine, string key) =>
        engine.UnregisterTaskObject(key, RegisteredTaskObjectLifetime.Build) as DeploySession;
}
