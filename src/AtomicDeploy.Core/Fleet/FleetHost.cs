using System.Globalization;

namespace AtomicDeploy.Core.Fleet;

/// <summary>One host of a fleet: its deploy session, its log lines (tagged with the host), and how its deploy ended.</summary>
public sealed class FleetHost
{
    internal FleetHost(string name, DeploySession session, IDeployLog log)
    {
        Name = name;
        Session = session;
        Log = log;
    }

    /// <summary>The host as written in <c>AtomicDeployHost</c>, for messages.</summary>
    public string Name { get; }

    /// <summary>The deploy to this host.</summary>
    public DeploySession Session { get; }

    /// <summary>This host's lines in the build log.</summary>
    public IDeployLog Log { get; }

    /// <summary>This host's own failure, if it failed.</summary>
    public DeployException? Failure { get; internal set; }

    /// <summary>How the deploy ended on this host, once it did: <c>deployed</c>, <c>not switched</c>, <c>switched back</c>, ...</summary>
    public string? Outcome { get; internal set; }

    /// <summary>The time this host's deploy took, once it ended.</summary>
    public TimeSpan? Duration { get; internal set; }

    /// <summary>Records how the deploy ended here (the first ending counts).</summary>
    internal void End(string outcome)
    {
        if (Outcome is null)
        {
            Outcome = outcome;
            Duration = Session.Elapsed;
        }
    }

    /// <summary>The summary line: host, release, files, bytes, time, outcome.</summary>
    internal string SummaryLine()
    {
        var diff = Session.Diff;
        var files = diff is null ? "no files sent" : $"{diff.FilesAdded} added, {diff.FilesChanged} changed, {diff.Removed.Count} removed";
        var seconds = (Duration ?? Session.Elapsed).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
        return $"AtomicDeploy: [{Name}] release {Session.Release ?? "(none)"}: {files}, {DeploySession.Format(Session.BytesSent)} sent, {seconds} s: {Outcome ?? "unfinished"}.";
    }
}
