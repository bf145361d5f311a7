using System.Globalization;
using AtomicDeploy.Core.History;

namespace AtomicDeploy.Core.Engine;

/// <summary>How the deploy on one host is reported: its history line and its summary line.</summary>
public sealed partial class HostDeploy
{
    /// <summary>Records how the deploy ended here (the first ending counts).</summary>
    internal void End(string outcome)
    {
        if (Outcome is null)
        {
            Outcome = outcome;
            Duration = _clock.Elapsed;
        }
    }

    /// <summary>
    /// The summary line: host, release, files, bytes, time, outcome. After a switch the time is split
    /// where the history line was written (at the rename): the time up to it, which is the history's
    /// <c>durationMs</c>, and the time after it (after-switch command, health check, prune).
    /// </summary>
    internal string SummaryLine()
    {
        var files = Diff is null ? "no files sent" : $"{Diff.FilesAdded} added, {Diff.FilesChanged} changed, {Diff.FilesRemoved} removed{ReusedPart(Reused, _settings.CopyMode)}";
        var end = Duration ?? _clock.Elapsed;
        var time = Switched && _switchRecorded is { } switchedAt
            ? $"{Seconds(switchedAt)} s to the switch (the history's durationMs) + {Seconds(end - switchedAt)} s after it"
            : $"{Seconds(end)} s";
        return $"AtomicDeploy: [{Name}] release {Release ?? "(none)"}: {files}, {ByteSize.Format(BytesSent)} sent, {time}: {Outcome ?? "unfinished"}.";
    }

    /// <summary>How many of the files added or changed came from the host's earlier releases, not over the link: <c>, 3 linked from earlier releases</c>, or nothing.</summary>
    internal static string ReusedPart(int reused, Remote.CopyMode mode) =>
        reused > 0 ? $", {reused} {Placed(mode)} from earlier releases" : string.Empty;

    /// <summary>How a file is taken from an earlier release in <paramref name="mode"/>: <c>linked</c> or <c>copied</c>.</summary>
    internal static string Placed(Remote.CopyMode mode) => mode == Remote.CopyMode.HardLink ? "linked" : "copied";

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>The history line of this deploy, with the given outcome.</summary>
    internal DeployRecord Record(string outcome, string? error) => new()
    {
        Event = "deploy",
        Release = Release,
        Previous = PreviousRelease,
        Time = DateTime.UtcNow,
        User = _settings.Context.User,
        Machine = _settings.Context.Machine,
        Version = _settings.Context.AppVersion,
        Commit = _settings.Context.Git?.Commit,
        Branch = _settings.Context.Git?.Branch,
        Dirty = _settings.Context.Git?.Dirty,
        Added = Diff?.FilesAdded ?? 0,
        Changed = Diff?.FilesChanged ?? 0,
        Removed = Diff?.FilesRemoved ?? 0,
        Unchanged = Diff?.Unchanged ?? 0,
        BytesSent = BytesSent,
        DurationMs = _clock.ElapsedMilliseconds,
        Port = AppPort,
        Outcome = outcome,
        Error = error,
    };

    /// <summary>In two-slot mode, the port the new release runs on here, once started.</summary>
    internal int? AppPort { get; set; }

    /// <summary>In two-slot mode, the port the release live before this deploy runs on, if any.</summary>
    internal int? PreviousAppPort { get; set; }
}
