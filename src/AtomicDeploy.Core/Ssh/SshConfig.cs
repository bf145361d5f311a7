namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// What an OpenSSH client config file says for one host, read the way ssh_config(5) says: the
/// lines before the first <c>Host</c> or <c>Match</c>, then each block whose patterns match,
/// in file order, with <c>Include</c> read where it stands; for each keyword the first value
/// found wins (IdentityFile adds up instead). Keywords this package does not use are collected,
/// not refused, so a user's whole config can be read.
/// </summary>
public sealed class SshConfig
{
    /// <summary>The keywords that are used to connect; any other is reported as ignored.</summary>
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.Ordinal)
    {
        "hostname", "user", "port", "identityfile", "identitiesonly", "identityagent", "proxyjump",
        "userknownhostsfile", "stricthostkeychecking", "connecttimeout", "serveraliveinterval", "hostkeyalias",
    };

    // OpenSSH's own limit on nested Include files; deeper means a file includes itself.
    private const int MaxIncludeDepth = 16;

    private readonly Dictionary<string, SshConfigLine> _first = new(StringComparer.Ordinal);
    private readonly List<SshConfigLine> _identityFiles = [];
    private readonly List<string> _blocks = [];
    private readonly List<SshConfigLine> _ignored = [];
    private readonly string _originalHost;
    private readonly string? _user;
    private readonly string _localUser;
    private readonly string _sshFolder;

    private SshConfig(string file, string originalHost, string? user, string localUser, string sshFolder)
    {
        File = file;
        _originalHost = originalHost;
        _user = user;
        _localUser = localUser;
        _sshFolder = sshFolder;
    }

    /// <summary>The file read.</summary>
    public string File { get; }

    /// <summary>The <c>Host</c> and <c>Match</c> blocks that applied, in order, each with where it is.</summary>
    public IReadOnlyList<string> Blocks => _blocks;

    /// <summary>The lines of applied blocks whose keyword is not used here, once per keyword.</summary>
    public IReadOnlyList<SshConfigLine> Ignored => _ignored;

    /// <summary>Every IdentityFile that applied, in order.</summary>
    public IReadOnlyList<SshConfigLine> IdentityFiles => _identityFiles;

    /// <summary>
    /// Reads <paramref name="file"/> for the host <paramref name="originalHost"/> (the name the
    /// user gave). <paramref name="user"/> is a user named explicitly (Match user is tested
    /// against it, else against <paramref name="localUser"/>); relative Include paths are taken in
    /// <paramref name="sshFolder"/> (~/.ssh), as OpenSSH does for a user's config.
    /// </summary>
    public static SshConfig Read(string file, string originalHost, string? user, string localUser, string sshFolder)
    {
        var config = new SshConfig(file, originalHost, user, localUser, sshFolder);
        config.ReadFile(file, 0, active: true);
        return config;
    }

    /// <summary>The line that set <paramref name="keyword"/> (lower case) first, or null when none did.</summary>
    public SshConfigLine? First(string keyword) => _first.GetValueOrDefault(keyword);

    private void ReadFile(string file, int depth, bool active)
    {
        string[] lines;
        try
        {
            lines = System.IO.File.ReadAllLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DeployException(ErrorCodes.SshConfigUnreadable, $"The ssh config file '{file}' cannot be read ({e.GetType().Name}). Fix its permissions, or set AtomicDeploySshConfigFile=none to connect without it.");
        }

        for (var number = 1; number <= lines.Length; number++)
        {
            if (SshConfigLine.Parse(lines[number - 1], file, number) is not { } line)
            {
                continue;
            }

            switch (line.Keyword)
            {
                case "host":
                    active = SshConfigPattern.MatchesList(_originalHost, line.Arguments);
                    Applied(active, $"Host {string.Join(' ', line.Arguments)}", line);
                    break;
                case "match":
                    active = MatchApplies(line);
                    Applied(active, $"Match {string.Join(' ', line.Arguments)}", line);
                    break;
                case "include" when active:
                    foreach (var included in line.Arguments.SelectMany(a => SshConfigInclude.Files(a, _sshFolder)))
                    {
                        if (depth + 1 > MaxIncludeDepth)
                        {
                            throw new DeployException(ErrorCodes.SshConfigInvalid, $"The ssh config line {line.Where} includes files more than {MaxIncludeDepth} deep: a file includes itself. Fix the Include lines.");
                        }

                        // An included file's own Host lines end at its end: the block it was included from goes on after it.
                        ReadFile(included, depth + 1, active);
                    }

                    break;
                case "include":
                    break;
                case "identityfile" when active:
                    _identityFiles.Add(Checked(line));
                    break;
                case var keyword when active && Supported.Contains(keyword):
                    _first.TryAdd(keyword, Checked(line));
                    break;
                case var keyword when active:
                    if (!_ignored.Any(i => i.Keyword == keyword))
                    {
                        _ignored.Add(line);
                    }

                    break;
            }
        }
    }

    private void Applied(bool active, string block, SshConfigLine line)
    {
        if (active)
        {
            _blocks.Add($"{block} ({line.Where})");
        }
    }

    private static SshConfigLine Checked(SshConfigLine line) =>
        line.Arguments.Count == 0
            ? throw new DeployException(ErrorCodes.SshConfigInvalid, $"The ssh config line {line.Where} gives {line.Keyword} no value. Give it one or remove the line.")
            : line;

    /// <summary>Match's criteria must all hold; <c>all</c> alone always does. Criteria that need to run or look up something are never taken to hold.</summary>
    private bool MatchApplies(SshConfigLine line)
    {
        var words = line.Arguments;
        if (words.Count == 0)
        {
            throw new DeployException(ErrorCodes.SshConfigInvalid, $"The ssh config line {line.Where} is a Match without criteria. Write e.g. Match host web* or Match all.");
        }

        var applies = true;
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i].ToLowerInvariant();
            var negated = word.StartsWith('!');
            var criterion = negated ? word[1..] : word;
            bool holds;
            switch (criterion)
            {
                case "all":
                    holds = true;
                    break;
                case "final":
                    // There is one pass here, and it is the final one.
                    holds = true;
                    break;
                case "canonical":
                    // Host names are never canonicalised here.
                    holds = false;
                    break;
                case "host" or "originalhost" or "user" or "localuser" or "exec" or "localnetwork" or "tagged" or "command" or "version" or "sessiontype":
                    if (i + 1 >= words.Count)
                    {
                        throw new DeployException(ErrorCodes.SshConfigInvalid, $"The ssh config line {line.Where} has Match {criterion} without a pattern. Give it one.");
                    }

                    var patterns = words[++i].Split(',');
                    holds = criterion switch
                    {
                        "host" => SshConfigPattern.MatchesList(CurrentHostName(), patterns),
                        "originalhost" => SshConfigPattern.MatchesList(_originalHost, patterns),
                        "user" => SshConfigPattern.MatchesList(_user ?? First("user")?.Value ?? _localUser, patterns),
                        "localuser" => SshConfigPattern.MatchesList(_localUser, patterns),
                        _ => false,
                    };
                    if (criterion is not ("host" or "originalhost" or "user" or "localuser") && !_ignored.Any(x => x.Keyword == "match " + criterion))
                    {
                        _ignored.Add(line with { Keyword = "match " + criterion });
                    }

                    break;
                default:
                    throw new DeployException(ErrorCodes.SshConfigInvalid, $"The ssh config line {line.Where} has the unknown Match criterion '{words[i]}'. Use all, host, originalhost, user or localuser.");
            }

            applies &= holds != negated;
        }

        return applies;
    }

    /// <summary>Match host is tested against the HostName set so far (its %h is the original name), else the name given.</summary>
    private string CurrentHostName() =>
        First("hostname") is { } hostName ? SshConfigTokens.ExpandHostName(hostName.Value, _originalHost) : _originalHost;
}
