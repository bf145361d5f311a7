using System.Text.Json;
using System.Text.Json.Serialization;

namespace AtomicDeploy.Core.History;

/// <summary>Who deploys what: read on the build machine, written into every history line.</summary>
/// <param name="User">The local user name.</param>
/// <param name="Machine">The build machine's name.</param>
/// <param name="AppVersion">The app's <c>$(Version)</c>, normalised, or null.</param>
/// <param name="Git">The commit being deployed, or null when not in a repository.</param>
public sealed record DeployContext(string User, string Machine, string? AppVersion, GitInfo? Git)
{
    private readonly GitInfo? _git = Git;
    private readonly Task<GitInfo?>? _reading;

    private DeployContext(string user, string machine, string? appVersion, Task<GitInfo?> reading)
        : this(user, machine, appVersion, (GitInfo?)null) => _reading = reading;

    /// <summary>The commit being deployed, or null; waits for a read still running (see <see cref="ReadingGit"/>).</summary>
    public GitInfo? Git
    {
        get => _reading is null ? _git : _reading.GetAwaiter().GetResult();
        init => _git = value;
    }

    /// <summary>
    /// A context whose git metadata <paramref name="read"/> reads on a thread of its own, so a cold
    /// build process loads libgit2 and reads the repository while it connects to the servers.
    /// </summary>
    public static DeployContext ReadingGit(string user, string machine, string? appVersion, Func<GitInfo?> read) =>
        new(user, machine, appVersion, Task.Factory.StartNew(read, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
}

/// <summary>The git state of the project being deployed.</summary>
public sealed record GitInfo(string Commit, string? Branch, bool Dirty);

/// <summary>One line of <c>.atomicdeploy/log.jsonl</c>, the append-only history of deploys.</summary>
public sealed record DeployRecord
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>What happened: <c>deploy</c> or <c>rollback</c>.</summary>
    public required string Event { get; init; }

    /// <summary>The release made.</summary>
    public string? Release { get; init; }

    /// <summary>The release that was live before.</summary>
    public string? Previous { get; init; }

    /// <summary>UTC time the line was written.</summary>
    public required DateTime Time { get; init; }

    /// <summary>Local user.</summary>
    public required string User { get; init; }

    /// <summary>Build machine.</summary>
    public required string Machine { get; init; }

    /// <summary>The app's version.</summary>
    public string? Version { get; init; }

    /// <summary>Git commit deployed.</summary>
    public string? Commit { get; init; }

    /// <summary>Git branch deployed.</summary>
    public string? Branch { get; init; }

    /// <summary>Whether the work tree had uncommitted changes.</summary>
    public bool? Dirty { get; init; }

    /// <summary>Files added.</summary>
    public int Added { get; init; }

    /// <summary>Files changed (content or mode).</summary>
    public int Changed { get; init; }

    /// <summary>Files removed (folders not counted).</summary>
    public int Removed { get; init; }

    /// <summary>Files taken over unchanged (folders not counted).</summary>
    public int Unchanged { get; init; }

    /// <summary>Bytes sent over the wire (compressed).</summary>
    public long BytesSent { get; init; }

    /// <summary>
    /// Milliseconds from connect to this line: for a deploy's success line, up to the switch (the
    /// before-switch command included); the summary line gives the same time and the time after it.
    /// </summary>
    public long DurationMs { get; init; }

    /// <summary>In two-slot mode, the port of the slot the release ran in.</summary>
    public int? Port { get; init; }

    /// <summary><c>success</c> or <c>failed</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>The error code when failed.</summary>
    public string? Error { get; init; }

    /// <summary>The record as one JSON line (no newline inside: JSON escapes them).</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads one history line, or null when it is not one (a torn or hand-edited line is skipped, not fatal).</summary>
    public static DeployRecord? TryParse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<DeployRecord>(line, JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
