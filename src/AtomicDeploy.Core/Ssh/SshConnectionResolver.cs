using System.Globalization;
using AtomicDeploy.Core.Planning;

namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// Turns the MSBuild properties for one host into the settings to connect with, reading the
/// user's ssh config the way <c>ssh</c> does: a property that is set wins, then the first value
/// the config file gives, then the default. So a host that <c>ssh web1</c> reaches is reached
/// here by naming <c>web1</c>.
/// </summary>
public static class SshConnectionResolver
{
    /// <summary>Resolves <paramref name="request"/>; <paramref name="homeFolder"/> holds ~/.ssh, <paramref name="localUser"/> is this machine's user.</summary>
    public static SshResolution Resolve(SshConnectionRequest request, string homeFolder, string localUser) =>
        Resolve(request, homeFolder, localUser, []);

    private static SshResolution Resolve(SshConnectionRequest request, string homeFolder, string localUser, IReadOnlyList<SshSettings> onTheWay)
    {
        var entry = Entry.Parse(request.HostEntry);
        var configFile = ConfigFile(request.ConfigFile, homeFolder);
        var config = configFile is null ? null : SshConfig.Read(configFile, entry.Host, entry.User ?? request.User, localUser, LocalPath.Join(homeFolder, ".ssh"));

        var hostName = config?.First("hostname") is { } named ? SshConfigTokens.ExpandHostName(named.Value, entry.Host) : entry.Host;
        var user = entry.User ?? request.User ?? config?.First("user")?.Value ?? localUser;
        var port = entry.Port ?? request.Port ?? Number(config?.First("port"), 1, 65535) ?? 22;
        var host = Address(user, hostName, port, config);
        if (onTheWay.FirstOrDefault(s => SameServer(s.Host, host)) is { } repeated)
        {
            throw new DeployException(ErrorCodes.ProxyJumpLoop,
                $"The jump hosts lead in a loop: {string.Join(" -> ", onTheWay.Select(s => s.Host))} -> {host} again{(config is null ? string.Empty : $" (ProxyJump lines of {config.File})")}. Remove the ProxyJump that leads back, or set AtomicDeployJumpHost.");
        }

        string Expand(SshConfigLine line) => SshConfigTokens.Expand(line.Value, line.Where, hostName, entry.Host, user, localUser, port, homeFolder);

        var agent = config?.First("identityagent") is { } identityAgent
            ? identityAgent.Value is "none" or "SSH_AUTH_SOCK" || identityAgent.Value.StartsWith('$') ? identityAgent.Value : Expand(identityAgent)
            : null;
        var settings = new SshSettings(
            host,
            request.KnownHostsFile ?? (config?.First("userknownhostsfile") is { } known ? Expand(known) : LocalPath.Join(homeFolder, ".ssh", "known_hosts")),
            request.PinnedFingerprints,
            request.Policy ?? Policy(config?.First("stricthostkeychecking")) ?? HostKeyPolicy.Strict,
            request.PrivateKeyFile,
            request.PrivateKeyVariable,
            request.PassphraseVariable,
            request.PasswordVariable,
            request.ConnectTimeout ?? Seconds(config?.First("connecttimeout"), 1) ?? TimeSpan.FromSeconds(30))
        {
            UseAgent = request.UseAgent ?? true,
            IdentityAgent = agent,
            IdentitiesOnly = YesNo(config?.First("identitiesonly")) ?? false,
            IdentityFiles = config?.IdentityFiles.Select(Expand).ToArray() ?? [],
            HostKeyAlias = config?.First("hostkeyalias")?.Value,
            KeepAliveInterval = Seconds(config?.First("serveraliveinterval"), 0) is { } alive ? (alive == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : alive) : TimeSpan.FromSeconds(15),
            Origin = config is null ? null : $"{config.File}: {(config.Blocks.Count == 0 ? "no Host or Match block" : string.Join(", ", config.Blocks))}",
        };

        var proxyJump = config?.First("proxyjump");
        var jumps = request.JumpHosts is not null
            ? JumpChain(request.JumpHosts, "AtomicDeployJumpHost", request, homeFolder, localUser, [.. onTheWay, settings])
            : JumpChain(proxyJump?.Value, $"The ProxyJump of {proxyJump?.Where}", request, homeFolder, localUser, [.. onTheWay, settings]);
        settings = settings with { JumpHosts = jumps };
        var through = jumps.Count == 0 ? string.Empty : $" through {string.Join(" then ", jumps.Select(j => j.Host))}";

        return new SshResolution(
            settings,
            config is null
                ? (jumps.Count == 0 ? null : $"Reaching {request.HostEntry} as {host}{through}.")
                : $"Reaching {request.HostEntry} as {host}{through} with the ssh config {config.File}: {(config.Blocks.Count == 0 ? "no Host or Match block applied" : string.Join(", ", config.Blocks))}.",
            config?.Ignored.Select(l => $"The ssh config's {l.Keyword} ({l.Where}) is not used by AtomicDeploy; it is ignored.").ToArray() ?? []);
    }

    /// <summary>
    /// The hops of a jump host list, in the order they are connected to. As with <c>ssh -J a,b</c>,
    /// the last hop is reached through the ones before it, and the first through its own
    /// ProxyJump in the config, if any; each hop is resolved through the config like a target.
    /// </summary>
    private static IReadOnlyList<SshSettings> JumpChain(string? text, string source, SshConnectionRequest target, string homeFolder, string localUser, IReadOnlyList<SshSettings> onTheWay)
    {
        if (text is null || text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var hops = text.Split(',', StringSplitOptions.TrimEntries)
            .Select(hop => hop.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase) ? hop["ssh://".Length..].TrimEnd('/') : hop)
            .ToArray();
        if (hops.Length == 0 || hops.Any(h => h.Length == 0))
        {
            throw new DeployException(ErrorCodes.JumpHostInvalid, $"{source} is '{text}', which names an empty jump host. Write [user@]host[:port], comma-separated.");
        }

        // A hop is reached with the target's credentials and trust settings, but its own user, port and key pins.
        var request = target with { HostEntry = hops[^1], User = null, Port = null, PinnedFingerprints = [], JumpHosts = hops.Length > 1 ? string.Join(',', hops[..^1]) : null };
        SshSettings last;
        try
        {
            last = Resolve(request, homeFolder, localUser, onTheWay).Settings;
        }
        catch (DeployException e) when (e.Code == ErrorCodes.HostInvalid)
        {
            throw new DeployException(ErrorCodes.JumpHostInvalid, $"{source} names the jump host '{hops[^1]}', which cannot be used: {e.Message}", e);
        }

        return [.. last.JumpHosts, last with { JumpHosts = [] }];
    }

    private static bool SameServer(HostAddress a, HostAddress b) =>
        a.Port == b.Port && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase);

    private static string? ConfigFile(string? setting, string homeFolder)
    {
        if (string.Equals(setting, "none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (setting is null)
        {
            var standard = LocalPath.Join(homeFolder, ".ssh", "config");
            return File.Exists(standard) ? standard : null;
        }

        return File.Exists(setting)
            ? setting
            : throw new DeployException(ErrorCodes.SshConfigUnreadable, $"AtomicDeploySshConfigFile names '{setting}', which does not exist. Fix the path, or set it to none to connect without an ssh config.");
    }

    private static HostAddress Address(string user, string hostName, int port, SshConfig? config)
    {
        try
        {
            return HostAddress.Parse($"{user}@{(hostName.Contains(':', StringComparison.Ordinal) ? $"[{hostName}]" : hostName)}", user, port);
        }
        catch (DeployException e) when (config is not null)
        {
            throw new DeployException(e.Code, $"{e.Message} (HostName and User may come from the ssh config {config.File}.)", e);
        }
    }

    private static HostKeyPolicy? Policy(SshConfigLine? line) => line?.Value.ToLowerInvariant() switch
    {
        null => null,
        "yes" or "ask" => HostKeyPolicy.Strict,
        "accept-new" => HostKeyPolicy.AcceptNew,
        "no" or "off" => throw new DeployException(ErrorCodes.HostKeyCheckingOff,
            $"The ssh config line {line.Where} sets StrictHostKeyChecking {line.Value}: AtomicDeploy never connects to a server it has not verified. Use accept-new to trust a new server on first contact, or set AtomicDeployHostKeyPolicy."),
        _ => throw Invalid(line, "yes, accept-new, ask or no"),
    };

    private static bool? YesNo(SshConfigLine? line) => line?.Value.ToLowerInvariant() switch
    {
        null => null,
        "yes" or "true" => true,
        "no" or "false" => false,
        _ => throw Invalid(line, "yes or no"),
    };

    private static TimeSpan? Seconds(SshConfigLine? line, int minimum) =>
        Number(line, minimum, int.MaxValue) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    private static int? Number(SshConfigLine? line, int minimum, int maximum) =>
        line is null ? null
        : int.TryParse(line.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum ? value
        : throw Invalid(line, $"a whole number from {minimum}");

    private static DeployException Invalid(SshConfigLine line, string expected) =>
        new(ErrorCodes.SshConfigInvalid, $"The ssh config line {line.Where} sets {line.Keyword} to '{line.Value}'; it takes {expected}. Fix the line.");

    /// <summary>One <c>AtomicDeployHost</c> entry: the host (or alias) and the user and port it names itself, if any.</summary>
    private sealed record Entry(string Host, string? User, int? Port)
    {
        public static Entry Parse(string text)
        {
            // The full syntax check is HostAddress's; the placeholders only tell what was named.
            var parsed = HostAddress.Parse(text, "placeholder", 22);
            var value = text.Trim();
            var at = value.LastIndexOf('@');
            var rest = at >= 0 ? value[(at + 1)..] : value;
            var portNamed = rest.StartsWith('[') ? rest.Contains("]:", StringComparison.Ordinal) : rest.Contains(':', StringComparison.Ordinal);
            return new Entry(parsed.Host, at >= 0 ? parsed.User : null, portNamed ? parsed.Port : null);
        }
    }
}
