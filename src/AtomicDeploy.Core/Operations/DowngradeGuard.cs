using AtomicDeploy.Core.History;
using NuGet.Versioning;

namespace AtomicDeploy.Core.Operations;

/// <summary>Refuses to deploy a lower app version than the live release's, by semantic versioning, unless allowed.</summary>
public static class DowngradeGuard
{
    /// <summary>Throws <see cref="ErrorCodes.Downgrade"/> when <paramref name="appVersion"/> is lower than the live release's version.</summary>
    public static void Check(string? appVersion, ReleaseHistory history, bool allowDowngrade, string where)
    {
        var live = history.Live;
        if (allowDowngrade || live?.Version is null
            || !NuGetVersion.TryParse(appVersion, out var next)
            || !NuGetVersion.TryParse(live.Version, out var current)
            || VersionComparer.VersionRelease.Compare(next, current) >= 0)
        {
            return;
        }

        throw new DeployException(ErrorCodes.Downgrade,
            $"Version {next.ToNormalizedString()} is lower than {current.ToNormalizedString()}, the version of the live release {live.Name} in {where}. Raise $(Version), roll back with -t:AtomicDeployRollback, or set AtomicDeployAllowDowngrade=true to deploy it anyway.");
    }
}
