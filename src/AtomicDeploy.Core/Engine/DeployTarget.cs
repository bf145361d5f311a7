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

    /// <summary>Opens the host's shell: an SSH connection (host key verified, logged in), or this machine.</summary>
    public IRemoteShell Connect(Func<string, string?> environment, string homeFolder, CancellationToken cancellationToken) =>
        Ssh is null ? new LocalShell() : SshShell.Connect(Ssh, environment, homeFolder, cancellationToken);
}

/// <summary>Reads <c>AtomicDeployHost</c> and the connection settings into the deploy's hosts.</summary>
internal static class DeployTargets
{
    /// <summary>The host list entry that names this machine in a list of hosts.</summary>
    public const string LocalEntry = "local";

    /// <summary>Every host of <paramref name="inputs"/>, checked; a host named twice is refused.</summary>
    public static IReadOnlyList<DeployTarget> Parse(DeployInputs inputs, string homeFolder, IDeployLog log)
    {
        var entries = (inputs.Host ?? string.Empty).Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0)
        {
            return [DeployTarget.Local];
        }

        var hosts = entries.Select(e => e == LocalEntry ? DeployTarget.Local : new DeployTarget(string.Empty, Ssh(e, inputs, homeFolder, log))).Select(h => h.Ssh is null ? h : h with { Name = h.Ssh.Host.ToString() }).ToArray();
        var repeated = hosts.GroupBy(h => h.Name).FirstOrDefault(g => g.Count() > 1);
        return repeated is null
            ? hosts
            : throw new DeployException(ErrorCodes.FleetHostRepeated, $"AtomicDeployHost names {repeated.Key} {repeated.Count()} times; each host of a fleet is deployed once. Remove the repeated entry.");
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
            string.IsNullOrWhiteSpace(inputs.KnownHostsFile) ? null : inputs.KnownHostsFile,
            HostKeyCheck.ParseFingerprints(inputs.HostKeyFingerprint),
            (inputs.HostKeyPolicy ?? string.Empty).Trim() switch
            {
                "" => null,
                "Strict" => HostKeyPolicy.Strict,
                "AcceptNew" => HostKeyPolicy.AcceptNew,
                var other => throw new DeployException(ErrorCodes.HostKeySettingInvalid, $"AtomicDeployHostKeyPolicy is '{other}'; use Strict or AcceptNew."),
            },
            string.IsNullOrWhiteSpace(inputs.PrivateKeyFile) ? null : inputs.PrivateKeyFile,
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
            string.IsNullOrWhiteSpace(inputs.SshConfigFile) ? null : inputs.SshConfigFile.Trim(),
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

    private static string Or(string? value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
}
