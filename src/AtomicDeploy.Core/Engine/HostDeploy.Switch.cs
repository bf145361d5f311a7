using AtomicDeploy.Core.Operations;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Engine;

/// <summary>The switch on one host, and the switch back when the deploy fails after it.</summary>
public sealed partial class HostDeploy
{
    /// <summary>
    /// Points <c>current</c> at the new release with one rename and records the deploy. If the script
    /// fails, <see cref="Switched"/> says whether the rename had happened (or cannot be told).
    /// </summary>
    internal void Switch(CancellationToken cancellationToken)
    {
        try
        {
            var record = Record("success", null);
            _switchRecorded = TimeSpan.FromMilliseconds(record.DurationMs);
            var output = Run("switch current", RemoteScripts.Switch(_settings.Root, Release!, record.ToJsonLine()) + PendingRelease.Clear(_settings.Root, Release!) + PruneScripts.SurveyAfterTheSwitch(_settings.Root), null, cancellationToken).Output;
            _pruneSurvey = PruneScripts.SurveyIn(output);
        }
        catch (DeployException) when (SwitchHappened() is var switched && switched != false)
        {
            // The rename happened and a later command failed: the deploy switches back, as after a
            // failed check. When the host cannot be asked, it cannot be switched back either, and
            // nothing may be cleaned up as if the switch had not happened.
            Switched = switched == true;
            SwitchUnknown = switched is null;
            Log.Summary(switched == true
                ? $"AtomicDeploy: current -> releases/{Release} on {Name}, but the step after the rename failed (below)."
                : $"AtomicDeploy: whether current on {Name} points at releases/{Release} could not be checked after the failure below; look at {_settings.Root}/current.");
            throw;
        }

        Switched = true;
        Log.Info($"AtomicDeploy: current -> releases/{Release} on {Name}.");
    }

    /// <summary>What the switch script's survey for the prune printed (null: the prune asks itself).</summary>
    private string? _pruneSurvey;

    /// <summary>When <c>current</c> moved here, in the deployment's time (since it started connecting), once switched.</summary>
    internal TimeSpan? SwitchedAt { get; set; }

    /// <summary>Whether the switch failed in a way that leaves unknown where <c>current</c> points (the host could not be asked).</summary>
    public bool SwitchUnknown { get; private set; }

    /// <summary>
    /// Puts the previous release back with the same atomic rename after <paramref name="failure"/>,
    /// records the new release as failed and runs the after-switch command for the previous one.
    /// Returns the failure to report: <paramref name="failure"/>, or one that says the new release
    /// is still live when switching back failed too. Never throws a <see cref="DeployException"/>.
    /// </summary>
    internal DeployException SwitchBack(SwitchHooks hooks, DeployException failure, CancellationToken cancellationToken)
    {
        var failed = Record("failed", failure.Code);
        var previous = PreviousRelease;
        try
        {
            if (previous is null)
            {
                RemoteCommand.Run(Shell, "record the failure", Where, HookScripts.AppendHistory(_settings.Root, failed.ToJsonLine()), null, TimeSpan.FromSeconds(60), CancellationToken.None);
                Log.Summary($"AtomicDeploy: release {Release} failed after the switch ({failure.Code}) and stays live on {Name}: there is no previous release to switch back to.");
                End($"live, failed ({failure.Code}): no previous release to switch back to");
                return failure;
            }

            // The switch back records the previous release as its own history has it (its version and
            // commit, as a manual rollback does), never the failed build's.
            var own = LiveHistory.Find(previous);
            var back = failed with { Event = "rollback", Release = previous, Previous = Release, Outcome = "success", Error = null, Version = own?.Version, Commit = own?.Commit, Branch = null, Dirty = own?.Dirty, Added = 0, Changed = 0, Removed = 0, Unchanged = 0, BytesSent = 0, Port = PreviousAppPort };
            RemoteCommand.Run(Shell, "switch back", Where, RemoteScripts.Switch(_settings.Root, previous, failed.ToJsonLine(), back.ToJsonLine()), null, TimeSpan.FromSeconds(60), CancellationToken.None);
        }
        catch (DeployException e)
        {
            End($"STILL LIVE: switching back failed ({failure.Code})");
            return new DeployException(failure.Code, $"{failure.Message} Switching back to {previous} failed too, so release {Release} is still live on {Name}: {e.Message}");
        }

        Switched = false;
        End($"switched back to {previous} ({failure.Code})");
        Log.Summary($"AtomicDeploy: release {Release} failed after the switch ({failure.Code}); current -> releases/{previous} again on {Name}, and {Release} is recorded as failed.");
        if (hooks.AfterSwitch(previous, cancellationToken) is { } again)
        {
            Log.Warning(ErrorCodes.SwitchBackCommandFailed, $"releases/{previous} is live again on {Name}, but its after-switch command failed too: {again.Message}");
        }

        return failure;
    }

    /// <summary>Whether current points at the new release: null when the host cannot be asked.</summary>
    private bool? SwitchHappened()
    {
        try
        {
            var check = Shell.Run($"readlink -- {ShellQuote.Quote(_settings.Root + "/current")}", null, _settings.Timeouts.Command, CancellationToken.None);
            return check.Output.TrimEnd('\n').Split('\n')[^1] == $"releases/{Release}";
        }
        catch (DeployException)
        {
            return null;
        }
    }
}
