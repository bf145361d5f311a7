using AtomicDeploy.Core.Engine;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Keeps each open <see cref="Deployment"/> (and so one connection per host) for the whole build
/// under its handle, through MSBuild's registered task objects, so every task of the build reaches
/// it. MSBuild disposes what is left at the end of the build, which cleans up a deploy that a custom
/// target left unfinished.
/// </summary>
internal static class DeploymentRegistry
{
    private const string Prefix = "AtomicDeploy.Deployment|";

    /// <summary>Registers <paramref name="deployment"/> and returns its handle.</summary>
    public static string Register(IBuildEngine4 engine, Deployment deployment)
    {
        var handle = Prefix + Guid.NewGuid().ToString("N");
        engine.RegisterTaskObject(handle, deployment, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        return handle;
    }

    /// <summary>The deployment registered under <paramref name="handle"/>, or null.</summary>
    public static Deployment? Find(IBuildEngine4 engine, string handle) =>
        handle.StartsWith(Prefix, StringComparison.Ordinal) ? engine.GetRegisteredTaskObject(handle, RegisteredTaskObjectLifetime.Build) as Deployment : null;

    /// <summary>Unregisters the deployment under <paramref name="handle"/> and returns it (the caller disposes it).</summary>
    public static Deployment? Remove(IBuildEngine4 engine, string handle) =>
        engine.UnregisterTaskObject(handle, RegisteredTaskObjectLifetime.Build) as Deployment;
}
