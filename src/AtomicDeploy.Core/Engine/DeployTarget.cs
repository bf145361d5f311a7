using AtomicDeploy.Core.Operations;
using AtomicDeploy.Core.Remote;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Core.Engine;

/// <summary>One host of a deploy: this machine (no SSH), or a server reached over SSH.</summary>
/// <param name="Name">The host, for messages: <c>user@host:port</c>, or <c>this machine</c>.</param>
/// <param name="Ssh">How to reach and trust the server; null for this machine.</param>
public sealed record DeployTarget(string Name, SshSettings? Ssh)
{
    /// <summary>This machine, without SSH.</summary>
    public static DeployTarget Local { get; } = new("this machine", null);

    /// <summary>The host's role (its item's <c>Role</c> metadata), or null.</summary>
    public string? Role { get; init; }

    /// <summary>The host's own switch settings (its item's and its role's over the properties); null: the deploy's.</summary>
    public SwitchHookSettings? Hooks { get; init; }

    /// <summary>Opens the host's shell: an SSH connection (host key verified, logged in), or this machine.</summary>
    public IRemoteShell Connect(Func<string, string?> environment, string homeFolder, CancellationToken cancellationToken) =>
        Ssh is null ? new LocalShell() : SshShell.Connect(Ssh, environment, homeFolder, cancellationToken);
}

/// <summary>Reads <c>AtomicDeployHost</c> and the connection settings into the deploy's hosts.</summary>
internal static class DeployTargets
{
    /// <summary>The host list entry that names this machine in a list of hosts.</summary>
    public const string LocalEntry = "local";

    /// <summary>
    /// Every host of <paramref name="inputs"/>, checked; a host named twice is refused. A host that an
    /// <c>AtomicDeployHost</c> item names gets its role and its own switch settings (the item's, then
    /// its role's, then <paramref name="hooks"/>); the other hosts get <paramref name="hooks"/>.
    /// </summary>
    public static IReadOnlyList<DeployTarget> Parse(DeployInputs inputs, string homeFolder, IDeployLog log, SwitchHookSettings hooks)
    {
        var items = FleetItems.Parse(inputs.HostItems, inputs.RoleItems, hooks, inputs.OnceRole, log);
        var entries = (inputs.Host ?? string.Empty).Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0 && items.Count > 0)
        {
            entries = items.Select(i => i.Spec).ToArray();
        }

        if (entries.Length == 0)
        {
            return [DeployTarget.Local];
        }

        var hosts = entries.Select(e => e == LocalEntry ? DeployTarget.Local : new DeployTarget(string.Empty, Ssh(e, inputs, homeFolder, log))).Select(h => h.Ssh is null ? h : h with { Name = h.Ssh.Host.ToString() }).ToArray();
        var repeated = hosts.GroupBy(h => h.Name).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw new DeployException(ErrorCodes.FleetHostRepeated, $"AtomicDeployHost names {repeated.Key} {repeated.Count()} times; each host of a fleet is deployed once. Remove the repeated entry.");
        }

        if (items.Count == 0)
        {
            return hosts;
        }

        // The package's targets write the items into the property, in order. A property of one's own
        // (-p:AtomicDeployHost=web1, to work on one host) wins over the items, and each of its hosts
        // still gets the settings of the item that names the same host.
        var itemNames = entries.SequenceEqual(items.Select(i => i.Spec), StringComparer.Ordinal)
            ? hosts.Select(h => h.Name).ToArray()
            : items.Select(i => i.Spec == LocalEntry ? DeployTarget.Local.Name : Ssh(i.Spec, inputs, homeFolder, Quiet.Log).Host.ToString()).ToArray();
        return hosts.Select(h => Array.IndexOf(itemNames, h.Name) is var i and >= 0 ? h with { Role = items[i].Role, Hooks = items[i].Hooks } : h).ToArray();
    }

    /// <summary>
    /// One server's settings: the ssh config is read for it, and the properties that are set win
    /// over the file (<see cref="SshConnectionResolver"/>); the log says which file and blocks applied.
    /// </summary>
    private static SshSettings Ssh(string host, DeployInputs inputs, string homeFolder, IDeployLog log)
    {
        var request = new SshConnectionRequest(
            host,
            string.IsNullOrWhiteSpace(inputs.User) ? null : inputs.User.Trim(),
            string.IsNullOrWhiteSpace(inputs.Port) ? null : DeploySettings.WholeNumber(inputs.Port, 22, 1, ErrorCodes.HostInvalid, "AtomicDeployPort"),
            LocalFile(inputs.KnownHostsFile, homeFolder),
            HostKeyCheck.ParseFingerprints(inputs.HostKeyFingerprint),
            (inputs.HostKeyPolicy ?? string.Empty).Trim() switch
            {
                "" => null,
                "Strict" => HostKeyPolicy.Strict,
                "AcceptNew" => HostKeyPolicy.AcceptNew,
                var other => throw new DeployException(ErrorCodes.HostKeySettingInvalid, $"AtomicDeployHostKeyPolicy is '{other}'; use Strict or AcceptNew."),
            },
            LocalFile(inputs.PrivateKeyFile, homeFolder),
            Or(inputs.PrivateKeyVariable, "ATOMICDEPLOY_SSH_KEY"),
            Or(inputs.PassphraseVariable, "ATOMICDEPLOY_SSH_PASSPHRASE"),
            Or(inputs.PasswordVariable, "ATOMICDEPLOY_SSH_PASSWORD"),
            string.IsNullOrWhiteSpace(inputs.ConnectTimeout) ? null : DeploySettings.Seconds(inputs.ConnectTimeout, 30, "AtomicDeployConnectTimeout"),
            (inputs.UseAgent ?? string.Empty).Trim().ToLowerInvariant() switch
            {
                "" => null,
                "true" => true,
                "false" => false,
                var other => throw new DeployException(ErrorCodes.UseAgentInvalid, $"AtomicDeployUseAgent is '{other}'; use true or false."),
            },
            LocalFile(inputs.SshConfigFile, homeFolder),
            string.IsNullOrWhiteSpace(inputs.JumpHost) ? null : inputs.JumpHost.Trim());
        var resolution = SshConnectionResolver.Resolve(request, homeFolder, Environment.UserName);
        if (resolution.Summary is not null)
        {
            log.Info(resolution.Summary);
        }

        foreach (var ignored in resolution.Ignored)
        {
            log.Detail(ignored);
        }

        return resolution.Settings;
    }

    /// <summary>A file of this machine as a property names it (<c>~/.ssh/deploy</c>, <c>%USERPROFILE%\.ssh\deploy</c>; see <see cref="LocalPath"/>).</summary>
    private static string? LocalFile(string? value, string homeFolder) =>
        string.IsNullOrWhiteSpace(value) ? null : LocalPath.Expand(value.Trim(), homeFolder, Environment.GetEnvironmentVariable);

    private static string Or(string? value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
}

/// <summary>A log that drops every line (the ssh config resolved again only to match a host to its item; settings read ahead, which the deploy reads again and logs).</summary>
public sealed class Quiet : IDeployLog
{
    private Quiet()
    {
    }

    /// <summary>The one quiet log.</summary>
    public static IDeployLog Log { get; } = new Quiet();

    /// <inheritdoc />
    public void Summary(string message)
    {
    }

    /// <inheritdoc />
    public void Info(string message)
    {
    }

    /// <inheritdoc />
    public void Detail(string message)
    {
    }

    /// <inheritdoc />
    public void Warning(string code, string message)
    {
    }
}
