using AtomicDeploy.Core;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Keeps one session (and so one SSH connection; for a fleet, one per host) per target for the whole build, shared by the
/// five tasks through MSBuild's registered task objects. MSBuild disposes what is left at the end
/// of the build, which cleans up a deploy that a custom target left unfinished.
/// </summary>
internal static class SessionRegistry
{
    public static void Register(IBuildEngine4 engine, string key, IDisposable session)
    {
        Remove(engine, key)?.Dispose();
        engine.RegisterTaskObject(key, session, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
    }

    public static T? Find<T>(IBuildEngine4 engine, string key)
        where T : class =>
        engine.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) as T;

    /// <summary>Unregisters the session (a <see cref="DeploySession"/>, or a fleet's set of them) and returns it.</summary>
    public static IDisposable? Remove(IBuildEngine4 engine, string key) =>
        engine.UnregisterTaskObject(key, RegisteredTaskObjectLifetime.Build) as IDisposable;
}
