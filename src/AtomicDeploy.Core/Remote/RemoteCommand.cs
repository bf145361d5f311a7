namespace AtomicDeploy.Core.Remote;

/// <summary>
/// The one place that runs a script on a host and turns a failed exit into a coded error: a full
/// disk (or used-up quota) is <see cref="ErrorCodes.DiskFull"/>, anything else
/// <see cref="ErrorCodes.RemoteFailed"/> with the server's error output made safe for the build log.
/// Timeouts, cancellation and a lost connection are already coded by the shell.
/// </summary>
public static class RemoteCommand
{
    /// <summary>
    /// Runs <paramref name="script"/> on <paramref name="shell"/>; <paramref name="what"/> says what it
    /// does ("switch current") and <paramref name="where"/> the deploy folder and host, for the message.
    /// </summary>
    public static ShellResult Run(IRemoteShell shell, string what, string where, string script, Action<Stream>? input, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = shell.Run(script, input, timeout, cancellationToken);
        return result.ExitCode == 0 ? result : throw Failure(result, what, where);
    }

    /// <summary>The coded error for a script that ended with a non-zero exit.</summary>
    public static DeployException Failure(ShellResult result, string what, string where)
    {
        var error = ServerText.OneLine(result.Error);
        var foreignAt = result.Error.IndexOf(ScriptFragments.ForeignContentMarker, StringComparison.Ordinal);
        if (foreignAt >= 0)
        {
            var path = ServerText.OneLine(result.Error[(foreignAt + ScriptFragments.ForeignContentMarker.Length)..].Split('\n')[0]);
            return new DeployException(ErrorCodes.ForeignContent,
                $"The live release in {where} holds '{path}', which the deploy user does not own or cannot read, so the new release cannot be copied from it (nothing was changed). It is usually something the app, running as another user, wrote into its release: give it to the deploy user (sudo chown -R DEPLOYUSER: '{path}') or delete it, and keep what the app writes in shared/ (AtomicDeploySharedPaths). Then deploy again.");
        }

        if (IsDiskFull(error))
        {
            return new DeployException(ErrorCodes.DiskFull,
                $"The disk holding {where} is full (or the deploy user's quota is used up): could not {what}. The live release keeps serving and the half-made release is removed, which gives its space back. Free some space (or lower AtomicDeployKeepReleases), then deploy again. {error}");
        }

        return new DeployException(ErrorCodes.RemoteFailed,
            $"Could not {what} in {where} (exit code {result.ExitCode}): {(error.Length > 0 ? error : "no error output")}");
    }

    private static bool IsDiskFull(string error) =>
        error.Contains("No space left on device", StringComparison.Ordinal) || error.Contains("Disk quota exceeded", StringComparison.Ordinal);
}
