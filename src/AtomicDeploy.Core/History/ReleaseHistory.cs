using System.Globalization;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.History;

/// <summary>One release folder as the history tells of it.</summary>
/// <param name="Name">The release name (UTC time of the deploy).</param>
/// <param name="Live">Whether <c>current</c> points at it.</param>
/// <param name="Version">The app's version deployed, if recorded.</param>
/// <param name="Commit">The git commit deployed, if recorded.</param>
/// <param name="Dirty">Whether the work tree had uncommitted changes, if recorded.</param>
/// <param name="Outcome"><c>success</c>, <c>failed</c>, or <c>unknown</c> when the history has no line for it.</param>
public sealed record ReleaseEntry(string Name, bool Live, string? Version, string? Commit, bool? Dirty, string Outcome)
{
    /// <summary>In two-slot mode, the port of the slot the release last ran in (its last deploy or rollback line).</summary>
    public int? Port { get; init; }

    /// <summary>The release's UTC time, from its name.</summary>
    public DateTime Time => ReleaseName.Parse(Name);

    /// <summary>Whether a deploy recorded it as good (a rollback may go to it).</summary>
    public bool IsGood => Outcome == "success";
}

/// <summary>
/// The releases in a deploy folder joined with <c>.atomicdeploy/log.jsonl</c>: what each one holds
/// and how its deploy ended. A release's outcome is that of the last <c>deploy</c> line naming it,
/// so a deploy whose health check failed after the switch counts as failed.
/// </summary>
public sealed class ReleaseHistory
{
    private ReleaseHistory(IReadOnlyList<ReleaseEntry> releases, IReadOnlyList<DeployRecord> records, int unreadable)
    {
        Releases = releases;
        Records = records;
        Unreadable = unreadable;
    }

    /// <summary>The release folders, newest first.</summary>
    public IReadOnlyList<ReleaseEntry> Releases { get; }

    /// <summary>Every readable history line, oldest first.</summary>
    public IReadOnlyList<DeployRecord> Records { get; }

    /// <summary>History lines that are not records (torn by a full disk, or edited by hand) and were skipped.</summary>
    public int Unreadable { get; }

    /// <summary>The release <c>current</c> points at, if it is one.</summary>
    public ReleaseEntry? Live => Releases.FirstOrDefault(r => r.Live);

    /// <summary>Joins the folders found with the history lines.</summary>
    public static ReleaseHistory From(RemoteState state, IEnumerable<string> historyLines)
    {
        var lines = historyLines.Where(l => !string.IsNullOrWhiteSpace(l)).ToArray();
        var records = lines.Select(DeployRecord.TryParse).OfType<DeployRecord>().ToArray();
        var entries = state.Releases
            .OrderByDescending(r => r, StringComparer.Ordinal)
            .Select(name =>
            {
                var deploy = records.LastOrDefault(r => r.Event == "deploy" && r.Release == name);
                var port = records.LastOrDefault(r => r.Release == name && r.Port is not null)?.Port;
                return new ReleaseEntry(name, name == state.LiveRelease, deploy?.Version, deploy?.Commit, deploy?.Dirty, deploy?.Outcome ?? "unknown") { Port = port };
            })
            .ToArray();
        return new ReleaseHistory(entries, records, lines.Length - records.Length);
    }

    /// <summary>The release named <paramref name="name"/>, or null.</summary>
    public ReleaseEntry? Find(string name) => Releases.FirstOrDefault(r => r.Name == name);

    /// <summary>The newest good release older than the live one (older than every release when none is live).</summary>
    public ReleaseEntry? PreviousGood() =>
        Releases.FirstOrDefault(r => r.IsGood && !r.Live && (Live is null || string.CompareOrdinal(r.Name, Live.Name) < 0));

    /// <summary>
    /// The releases as a table for the build log, newest first, the live one marked; in two-slot
    /// mode (any release recorded with a port) a last column names the slot's port.
    /// </summary>
    public IEnumerable<string> ToTable()
    {
        var slots = Releases.Any(r => r.Port is not null);
        yield return "  release          live  time (UTC)           version           commit    outcome" + (slots ? "   port" : string.Empty);
        foreach (var r in Releases)
        {
            var commit = r.Commit is null ? "-" : r.Commit[..Math.Min(8, r.Commit.Length)] + (r.Dirty == true ? "+" : string.Empty);
            var port = slots ? string.Create(CultureInfo.InvariantCulture, $"  {r.Port?.ToString(CultureInfo.InvariantCulture) ?? "-",5}") : string.Empty;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  {r.Name}   {(r.Live ? "*" : " ")}    {r.Time:yyyy-MM-dd HH:mm:ss}  {r.Version ?? "-",-16}  {commit,-9} {r.Outcome,-8}{port}").TrimEnd();
        }
    }
}
