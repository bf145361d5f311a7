using System.Globalization;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Planning;

/// <summary>What <see cref="SharedSeedScripts.Seed"/> did to one declared path the release shipped.</summary>
/// <param name="Path">The declared path, as written (a folder ends with <c>/</c>).</param>
/// <param name="Seeded">Whether a copy seeded <c>shared/</c> (false: <c>shared/</c> already had it).</param>
/// <param name="Entries">How many entries the seed put in <c>shared/</c>.</param>
/// <param name="FromLive">Whether the seed came from the live release (what production wrote) rather than the new one.</param>
public sealed record SharedSeedReport(string Path, bool Seeded, int Entries, bool FromLive = false)
{
    /// <summary>The line the build log shows for it.</summary>
    public string Message
    {
        get
        {
            var target = "shared/" + Path.TrimEnd('/');
            var entries = $"{Entries} {(Entries == 1 ? "entry" : "entries")}";
            return (Seeded, FromLive) switch
            {
                (false, _) => $"AtomicDeploy: {Path} is declared shared: the release's copy is replaced by the link to {target}, which keeps what the app wrote.",
                (true, true) => $"AtomicDeploy: {Path} is declared shared: {entries} seeded shared/ from the live release, which holds what the app wrote there (the publish output's copy is not used); the release links to {target}. What the running app writes into the live release's copy until it restarts from the new release is not carried over.",
                (true, false) => $"AtomicDeploy: {Path} is declared shared: {entries} seeded shared/ from the release; the release links to {target}.",
            };
        }
    }

    /// <summary>
    /// Reads the <see cref="SharedSeedScripts.SeedMarker"/> lines at the start of <paramref name="output"/>
    /// for the declared paths of <paramref name="shared"/>, and returns the rest of the output.
    /// </summary>
    public static IReadOnlyList<SharedSeedReport> Parse(string output, SharedPathList shared, out string rest)
    {
        var declared = shared.Folders.Select(f => f + "/").Concat(shared.Files).ToArray();
        var reports = new List<SharedSeedReport>();
        rest = output;
        while (rest.StartsWith(SharedSeedScripts.SeedMarker, StringComparison.Ordinal))
        {
            var end = rest.IndexOf('\n', StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }

            var parts = rest[SharedSeedScripts.SeedMarker.Length..end].Split(' ');
            rest = rest[(end + 1)..];
            if (parts.Length == 3
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < declared.Length
                && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var entries))
            {
                reports.Add(new SharedSeedReport(declared[index], parts[1] is "seeded" or "seeded-live", entries, parts[1] == "seeded-live"));
            }
        }

        return reports;
    }
}
