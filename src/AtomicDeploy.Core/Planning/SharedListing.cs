namespace AtomicDeploy.Core.Planning;

/// <summary>
/// What <see cref="Remote.ScriptFragments.ListSharedFrontier"/> printed: each listed entry of
/// <c>shared/</c> with whether it is a folder, and the kind of the same path in the release.
/// </summary>
/// <param name="Shared">Each listed path of <c>shared/</c>, and whether it is a folder.</param>
/// <param name="Release">Each of those paths the release also has, and whether it is a folder there.</param>
public sealed record SharedListing(Dictionary<string, bool> Shared, Dictionary<string, bool> Release)
{
    /// <summary>Parses the NUL-terminated records <c>KIND RELEASEKIND PATH</c>; malformed ones are skipped.</summary>
    public static SharedListing Parse(string output)
    {
        var shared = new Dictionary<string, bool>(StringComparer.Ordinal);
        var release = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var record in output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(r => r.Length >= 3))
        {
            var path = record[2..];
            shared[path] = record[0] == 'd';
            if (record[1] != '-')
            {
                release[path] = record[1] == 'd';
            }
        }

        return new SharedListing(shared, release);
    }

    /// <summary>The links to make for this listing.</summary>
    public SharedLinkPlan Plan() => SharedLinkPlan.Compute(Shared, Release);
}
