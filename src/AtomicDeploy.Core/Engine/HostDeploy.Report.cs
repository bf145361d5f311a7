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

    /// <summary>The summary line: host, release, files, bytes, time, outcome.</summary>
    internal string SummaryLine()
    {
        var files = Diff is null ? "no files sent" : $"{Diff.FilesAdded} added, {Diff.FilesChanged} changed, {Diff.Removed.Count} removed";
        var seconds = (Duration ?? _clock.Elapsed).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
        return $"AtomicDeploy: [{Name}] release {Release ?? "(none)"}: {files}, {ByteSize.Format(BytesSent)} sent, {seconds} s: {Outcome ?? "unfinished"}.";
    }

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
        Removed = Diff?.Removed.Count ?? 0,
        Unchanged = Diff?.Unchanged ?? 0,
        BytesSent = BytesSent,
        DurationMs = _clock.ElapsedMilliseconds,
        Outcome = outcome,
        Error = error,
    };
}
