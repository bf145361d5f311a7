using System.Globalization;
using System.Text.RegularExpressions;
using AtomicDeploy.Core.Engine;

namespace AtomicDeploy.Core.Operations;

/// <summary>
/// Two-slot mode (<c>AtomicDeployAppPorts</c>): the app runs on one of two loopback ports behind a
/// proxy; a deploy starts the new release on the idle port, checks it there before it gets any
/// traffic, then points the proxy at it and only then stops the old one.
/// </summary>
/// <param name="Ports">The two ports, in the order given (the first deploy uses the first).</param>
/// <param name="StartCommand">Starts the app of a release on <c>$ATOMICDEPLOY_APP_PORT</c> and returns once it is launched.</param>
/// <param name="StopCommand">Stops the app on <c>$ATOMICDEPLOY_APP_PORT</c>.</param>
/// <param name="HealthPath">Requested on the new slot's port until it answers 2xx.</param>
/// <param name="StartTimeout">How long the new slot may take to answer 2xx.</param>
/// <param name="ProxyReloadCommand">Makes the proxy read <c>upstream.conf</c> again, gracefully.</param>
/// <param name="CommandTimeout">How long each command may run.</param>
public sealed partial record AppSlotSettings(IReadOnlyList<int> Ports, string StartCommand, string StopCommand, string HealthPath, TimeSpan StartTimeout, string ProxyReloadCommand, TimeSpan CommandTimeout)
{
    /// <summary>The proxy reload used when none is given.</summary>
    public const string DefaultProxyReloadCommand = "sudo systemctl reload nginx";

    /// <summary>Reads the two-slot settings; null when <c>AtomicDeployAppPorts</c> is empty (two-slot mode off).</summary>
    public static AppSlotSettings? Parse(DeployInputs inputs, TimeSpan commandTimeout)
    {
        if (string.IsNullOrWhiteSpace(inputs.AppPorts))
        {
            return null;
        }

        var words = inputs.AppPorts.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length != 2)
        {
            throw new DeployException(ErrorCodes.AppPortsNotTwo, $"AtomicDeployAppPorts is '{inputs.AppPorts}'; two-slot mode needs exactly two loopback ports, e.g. 5001;5002.");
        }

        var ports = words.Select(w => int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1024 and <= 65535
            ? port
            : throw new DeployException(ErrorCodes.AppPortOutOfRange, $"AtomicDeployAppPorts names '{w}'; each port must be a whole number from 1024 to 65535 (the app listens on 127.0.0.1 without privileges).")).ToArray();
        if (ports[0] == ports[1])
        {
            throw new DeployException(ErrorCodes.AppPortsEqual, $"AtomicDeployAppPorts names port {ports[0]} twice; the new release starts on the port the live one does not use, so give two different ports, e.g. 5001;5002.");
        }

        var service = inputs.Service?.Trim();
        if (!string.IsNullOrEmpty(service) && !ServiceName().IsMatch(service))
        {
            throw new DeployException(ErrorCodes.AppSlotSettingInvalid, $"AtomicDeployService is '{service}'; give the name of a systemd template unit without '@' and '.service', e.g. myshop for myshop@.service.");
        }

        var start = Command(inputs.AppStartCommand) ?? (string.IsNullOrEmpty(service) ? null : $"sudo systemctl start {service}@$ATOMICDEPLOY_APP_PORT");
        var stop = Command(inputs.AppStopCommand) ?? (string.IsNullOrEmpty(service) ? null : $"sudo systemctl stop {service}@$ATOMICDEPLOY_APP_PORT");
        if (start is null || stop is null)
        {
            throw new DeployException(ErrorCodes.AppCommandMissing,
                $"AtomicDeployAppPorts is set, but AtomicDeploy{(start is null ? "AppStartCommand" : "AppStopCommand")} is not: set AtomicDeployService=<unit> for a systemd template unit <unit>@.service (see docs/kestrel.md), or set AtomicDeployAppStartCommand and AtomicDeployAppStopCommand to commands that start and stop the app on $ATOMICDEPLOY_APP_PORT.");
        }

        var path = string.IsNullOrWhiteSpace(inputs.AppHealthPath) ? "/" : inputs.AppHealthPath.Trim();
        if (!path.StartsWith('/') || path.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new DeployException(ErrorCodes.AppSlotSettingInvalid, $"AtomicDeployAppHealthPath is '{inputs.AppHealthPath}'; give a path that starts with '/', e.g. /healthz (which AddAtomicDeploy() maps).");
        }

        return new AppSlotSettings(
            ports,
            start,
            stop,
            path,
            DeploySettings.Seconds(inputs.AppStartTimeout, 60, "AtomicDeployAppStartTimeout"),
            Command(inputs.ProxyReloadCommand) ?? DefaultProxyReloadCommand,
            commandTimeout);
    }

    /// <summary>The health check URL of the slot on <paramref name="port"/>, as the server reaches it.</summary>
    public Uri HealthUrl(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}{HealthPath}");

    /// <summary>The port of the two that is not <paramref name="live"/> (the first when none is live).</summary>
    public int IdlePort(int? live) => live == Ports[0] ? Ports[1] : Ports[0];

    private static string? Command(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    [GeneratedRegex("^[A-Za-z0-9_.:-]+$")]
    private static partial Regex ServiceName();
}
