using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Operations;

/// <summary>
/// The switch with what surrounds it: the before-switch command (a failure leaves nothing switched),
/// the switch, the after-switch command and the health check. When either of the last two fails,
/// the previous release is put back with the same atomic rename, the new one is recorded as failed,
/// and the failure is thrown.
/// </summary>
public static class CheckedSwitch
{
    /// <summary>Runs step 4 of <paramref name="session"/> with <paramref name="settings"/>.</summary>
    public static void Run(DeploySession session, SwitchHookSettings settings, IDeployLog log, CancellationToken cancellationToken)
    {
        var hooks = new SwitchHooks(session.Shell, session.Root, settings, log);
        if (session.Stage == DeployStage.Linked && session.Release is { } ready)
        {
            hooks.BeforeSwitch(ready, cancellationToken);
        }

        session.Switch(cancellationToken);
        var release = session.Release!;
        var failure = hooks.AfterSwitch(release, cancellationToken) ?? hooks.HealthCheck(release, cancellationToken);
        if (failure is not null)
        {
            throw SwitchBack(session, hooks, failure, log, cancellationToken);
        }
    }

    internal static DeployException SwitchBack(DeploySession session, SwitchHooks hooks, DeployException failure, IDeployLog log, CancellationToken cancellationToken)
    {
        var release = session.Release!;
        var failed = session.HistoryRecord("failed", failure.Code);
        var previous = session.PreviousRelease;
        try
        {
            if (previous is null)
            {
                session.Shell.Run(HookScripts.AppendHistory(session.Root, failed.ToJsonLine()), null, TimeSpan.FromSeconds(60), CancellationToken.None);
                log.Summary($"AtomicDeploy: release {release} failed after the switch ({failure.Code}) and stays live on {session.TargetName}: there is no previous release to switch back to.");
                return failure;
            }

            var back = failed with { Event = "rollback", Release = previous, Previous = release, Outcome = "success", Error = null, Added = 0, Changed = 0, Removed = 0, Unchanged = 0, BytesSent = 0 };
            var result = session.Shell.Run(RemoteScripts.Switch(session.Root, previous, failed.ToJsonLine() + "\n" + back.ToJsonLine()), null, TimeSpan.FromSeconds(60), CancellationToken.None);
            if (result.ExitCode != 0)
            {
                throw new DeployException(ErrorCodes.RemoteFailed, ServerText.OneLine(result.Error));
            }
        }
        catch (DeployException e)
        {
            return new DeployException(failure.Code, $"{failure.Message} Switching back to {previous} failed too, so release {release} is still live: {e.Message}");
        }

        log.Summary($"AtomicDeploy: release {release} failed after the switch ({failure.Code}); current -> releases/{previous} again on {session.TargetName}, and {release} is recorded as failed.");
        if (hooks.AfterSwitch(previous, cancellationToken) is { } again)
        {
            log.Warning(ErrorCodes.SwitchBackCommandFailed, $"releases/{previous} is live again, but its after-switch command failed too: {again.Message}");
        }

        return failure;
    }
}
