using AtomicDeploy.Core.Operations;

namespace AtomicDeploy.Core.Engine;

/// <summary>An item of the build, <c>AtomicDeployHost</c> or <c>AtomicDeployRole</c>: its name (<c>Include</c>) and its own metadata.</summary>
/// <param name="Name">The item's <c>Include</c>.</param>
/// <param name="Metadata">Its custom metadata (MSBuild's well-known metadata left out), by name.</param>
public sealed record SettingsItem(string Name, IReadOnlyDictionary<string, string> Metadata);

/// <summary>What one host's item says: how to reach it, its role, and the switch settings it sets itself.</summary>
/// <param name="Spec">The host as <c>AtomicDeployHost</c> takes it: <c>user@host:port</c> from the name and the Port and User metadata.</param>
/// <param name="Role">Its role, or null.</param>
/// <param name="Hooks">Its switch settings: the host's own metadata over its role's over the properties.</param>
internal sealed record FleetHostItem(string Spec, string? Role, SwitchHookSettings Hooks);

/// <summary>
/// Reads the <c>AtomicDeployHost</c> and <c>AtomicDeployRole</c> items into each host's settings: a
/// host's own metadata wins over its role's, which wins over the properties. Every item is checked,
/// also those of hosts this deploy does not work on: a metadata name this tool does not know (a typo
/// such as <c>Rol</c>) or a role no host has is refused, so a host never runs another host's command
/// unnoticed.
/// </summary>
internal static class FleetItems
{
    /// <summary>The value that sets a command or the health check to nothing for a host or role, over what the properties say.</summary>
    public const string NoneValue = "none";

    private static readonly string[] SwitchMetadata = ["BeforeSwitchCommand", "AfterSwitchCommand", "HealthCheckUrl"];
    private static readonly string[] HostMetadata = ["Port", "User", "Role", .. SwitchMetadata];

    /// <summary>Every host item, checked, with its settings; the roles checked against them. Empty when there are no host items.</summary>
    public static IReadOnlyList<FleetHostItem> Parse(IReadOnlyList<SettingsItem>? hosts, IReadOnlyList<SettingsItem>? roles, SwitchHookSettings defaults, string? onceRole, IDeployLog log)
    {
        hosts ??= [];
        roles ??= [];
        foreach (var host in hosts)
        {
            CheckNames(host, "AtomicDeployHost", HostMetadata);
        }

        var roleSettings = new Dictionary<string, SettingsItem>(StringComparer.OrdinalIgnoreCase);
        foreach (var role in roles)
        {
            CheckNames(role, "AtomicDeployRole", SwitchMetadata);
            var name = role.Name.Trim();
            if (!roleSettings.TryAdd(name, role))
            {
                throw new DeployException(ErrorCodes.RoleInvalid, $"AtomicDeployRole '{name}' is declared twice; declare each role once, with all its settings.");
            }
        }

        var hostRoles = hosts.Select(h => RoleOf(h)).ToArray();
        var used = hostRoles.Where(r => r is not null).Select(r => r!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var name in roleSettings.Keys.Where(r => !used.Contains(r)))
        {
            throw new DeployException(ErrorCodes.RoleInvalid,
                $"AtomicDeployRole '{name}' is not the Role of any AtomicDeployHost item ({(used.Count == 0 ? "no host has a Role" : "the hosts' roles are " + string.Join(", ", used.Order(StringComparer.OrdinalIgnoreCase)))}), so its settings would apply nowhere. Fix the role's name or the hosts' Role metadata.");
        }

        var result = new List<FleetHostItem>();
        for (var i = 0; i < hosts.Count; i++)
        {
            var host = hosts[i];
            var role = hostRoles[i];
            var ofRole = role is not null && roleSettings.TryGetValue(role, out var r) ? r : null;
            if (role is not null && ofRole is null && roleSettings.Count > 0 && !string.Equals(role, onceRole?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                log.Warning(ErrorCodes.RoleWithoutSettings,
                    $"AtomicDeployHost '{host.Name}' has Role '{role}', for which there is no AtomicDeployRole item (the roles with settings are {string.Join(", ", roleSettings.Keys.Order(StringComparer.OrdinalIgnoreCase))}); it gets the properties' settings. Fix the Role if it is a typo.");
            }

            var hooks = defaults;
            if (ofRole is not null)
            {
                hooks = Apply(hooks, ofRole, $"AtomicDeployRole '{ofRole.Name.Trim()}'");
            }

            result.Add(new FleetHostItem(Spec(host), role, Apply(hooks, host, $"AtomicDeployHost '{host.Name}'")));
        }

        return result;
    }

    /// <summary>The host as <c>AtomicDeployHost</c> takes it, as the package's targets write it: <c>User@Name:Port</c>, each part when given.</summary>
    public static string Spec(SettingsItem host)
    {
        var spec = host.Name.Trim();
        if (Value(host, "Port") is { } port)
        {
            spec += ":" + port;
        }

        return Value(host, "User") is { } user ? user + "@" + spec : spec;
    }

    private static string? RoleOf(SettingsItem host)
    {
        var role = Value(host, "Role");
        return role is not null && role.IndexOfAny([';', ',']) >= 0
            ? throw new DeployException(ErrorCodes.RoleInvalid, $"AtomicDeployHost '{host.Name}' has Role '{role}': a host has one role. Give the settings the roles share to an AtomicDeployRole of its own, or to the host itself.")
            : role;
    }

    private static SwitchHookSettings Apply(SwitchHookSettings hooks, SettingsItem item, string what)
    {
        if (Value(item, "BeforeSwitchCommand") is { } before)
        {
            hooks = hooks with { BeforeSwitchCommand = IsNone(before) ? null : before };
        }

        if (Value(item, "AfterSwitchCommand") is { } after)
        {
            hooks = hooks with { AfterSwitchCommand = IsNone(after) ? null : after };
        }

        if (Value(item, "HealthCheckUrl") is { } url)
        {
            hooks = hooks with { HealthCheckUrl = IsNone(url) ? null : SwitchHookSettings.ParseUrl(url, $"The HealthCheckUrl of {what}") };
        }

        return hooks;
    }

    private static bool IsNone(string value) => string.Equals(value, NoneValue, StringComparison.OrdinalIgnoreCase);

    private static string? Value(SettingsItem item, string name) =>
        item.Metadata.FirstOrDefault(m => string.Equals(m.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static void CheckNames(SettingsItem item, string kind, string[] known)
    {
        if (string.IsNullOrWhiteSpace(item.Name))
        {
            throw new DeployException(ErrorCodes.HostSettingUnknown, $"An {kind} item has an empty Include; name the {(kind == "AtomicDeployRole" ? "role" : "host")}.");
        }

        foreach (var name in item.Metadata.Keys.Where(n => !known.Contains(n, StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
        {
            var near = known.OrderBy(k => Distance(k.ToUpperInvariant(), name.ToUpperInvariant())).First();
            var hint = Distance(near.ToUpperInvariant(), name.ToUpperInvariant()) <= 3 ? $" Did you mean {near}?" : string.Empty;
            throw new DeployException(ErrorCodes.HostSettingUnknown,
                $"{kind} '{item.Name}' has the metadata '{name}', which AtomicDeploy does not know.{hint} An {kind} item takes {string.Join(", ", known)}.");
        }
    }

    /// <summary>The edit distance between two names (insertions, deletions and replacements), for the hint.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }
}
