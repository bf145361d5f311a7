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
    /// <summary>What is kept under a handle: the deployment, and the project it deploys (where errors point).</summary>
    internal sealed record Entry(Deployment Deployment, string? ProjectFile) : IDisposable
    {
        public void Dispose() => Deployment.Dispose();
    }

    private const string Prefix = "AtomicDeploy.Deployment|";

    /// <summary>Registers <paramref name="deployment"/> and returns its handle.</summary>
    public static string Register(IBuildEngine4 engine, Deployment deployment, string? projectFile)
    {
        var handle = Prefix + Guid.NewGuid().ToString("N");
        engine.RegisterTaskObject(handle, new Entry(deployment, projectFile), RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        return handle;
    }

    /// <summary>The deployment registered under <paramref name="handle"/>, or null.</summary>
    public static Entry? Find(IBuildEngine4 engine, string handle) =>
        handle.StartsWith(Prefix, StringComparison.Ordinal) ? engine.GetRegisteredTaskObject(handle, RegisteredTaskObjectLifetime.Build) as Entry : null;

    /// <summary>Unregisters the deployment under <paramref name="handle"/> and returns it (the caller disposes it).</summary>
    public static Deployment? Remove(IBuildEngine4 engine, string handle) =>
        (engine.UnregisterTaskObject(handle, RegisteredTaskObjectLifetime.Build) as Entry)?.Deployment;
}
