using AtomicDeploy.Core.Planning;
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
    public static IReadOnlyList<DeployTarget> Parse(DeployInputs inputs, string homeFolder)
    {
        var entries = (inputs.Host ?? string.Empty).Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0)
        {
            return [DeployTarget.Local];
        }

        var hosts = entries.Select(e => e == LocalEntry ? DeployTarget.Local : new DeployTarget(string.Empty, Ssh(e, inputs, homeFolder))).Select(h => h.Ssh is null ? h : h with { Name = h.Ssh.Host.ToString() }).ToArray();
        var repeated = hosts.GroupBy(h => h.Name).FirstOrDefault(g => g.Count() > 1);
        return repeated is null
            ? hosts
            : throw new DeployException(ErrorCodes.FleetHostRepeated, $"AtomicDeployHost names {repeated.Key} {repeated.Count()} times; each host of a fleet is deployed once. Remove the repeated entry.");
    }

    private static SshSettings Ssh(string host, DeployInputs inputs, string homeFolder)
    {
        var port = DeploySettings.WholeNumber(inputs.Port, 22, 1, ErrorCodes.HostInvalid, "AtomicDeployPort");
        var user = string.IsNullOrWhiteSpace(inputs.User) ? Environment.UserName : inputs.User.Trim();
        var policy = (inputs.HostKeyPolicy ?? string.Empty).Trim() switch
        {
            "" or "Strict" => HostKeyPolicy.Strict,
            "AcceptNew" => HostKeyPolicy.AcceptNew,
            var other => throw new DeployException(ErrorCodes.HostKeySettingInvalid, $"AtomicDeployHostKeyPolicy is '{other}'; use Strict or AcceptNew."),
        };

        return new SshSettings(
            HostAddress.Parse(host, user, port),
            string.IsNullOrWhiteSpace(inputs.KnownHostsFile) ? Path.Combine(homeFolder, ".ssh", "known_hosts") : inputs.KnownHostsFile,
            HostKeyCheck.ParseFingerprints(inputs.HostKeyFingerprint),
            policy,
            string.IsNullOrWhiteSpace(inputs.PrivateKeyFile) ? null : inputs.PrivateKeyFile,
            Or(inputs.PrivateKeyVariable, "ATOMICDEPLOY_SSH_KEY"),
            Or(inputs.PassphraseVariable, "ATOMICDEPLOY_SSH_PASSPHRASE"),
            Or(inputs.PasswordVariable, "ATOMICDEPLOY_SSH_PASSWORD"),
            DeploySettings.Seconds(inputs.ConnectTimeout, 30, "AtomicDeployConnectTimeout"));
    }

    private static string Or(string? value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
}
