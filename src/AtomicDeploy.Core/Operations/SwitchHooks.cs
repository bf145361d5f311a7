using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Operations;

/// <summary>What runs around the switch: the user's commands (their own shell text, by design) and the health check.</summary>
/// <param name="BeforeSwitchCommand">Runs in the new release before the switch; a failure aborts the deploy.</param>
/// <param name="AfterSwitchCommand">Runs in the new release after the switch (e.g. a service restart).</param>
/// <param name="CommandTimeout">How long each command may run.</param>
/// <param name="HealthCheckUrl">Fetched on the server after the switch, or null.</param>
/// <param name="HealthCheckTimeout">How long the health check keeps trying.</param>
public sealed record SwitchHookSettings(string? BeforeSwitchCommand, string? AfterSwitchCommand, TimeSpan CommandTimeout, Uri? HealthCheckUrl, TimeSpan HealthCheckTimeout)
{
    /// <summary>No commands and no health check.</summary>
    public static SwitchHookSettings None { get; } = new(null, null, TimeSpan.FromMinutes(5), null, TimeSpan.FromSeconds(30));

    /// <summary>Parses <c>AtomicDeployHealthCheckUrl</c> (or, <paramref name="what"/> says, a host's or role's): an absolute http or https URL, or empty.</summary>
    public static Uri? ParseUrl(string? text, string what = "AtomicDeployHealthCheckUrl")
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw new DeployException(ErrorCodes.HealthCheckUrlInvalid, $"{what} is '{text}'; it must be an absolute http:// or https:// URL as the server itself reaches the app, e.g. http://127.0.0.1:5000/health.");
    }
}

/// <summary>Runs the user's commands and the health check on the target, their output going to the build log.</summary>
public sealed class SwitchHooks(IRemoteShell shell, string root, SwitchHookSettings settings, IDeployLog log)
{
    /// <summary>
    /// Before the switch: checks that the health check can run, then runs the before-switch command
    /// in <paramref name="release"/>. Throws a coded error, so the deploy aborts with nothing switched.
    /// </summary>
    public void BeforeSwitch(string release, CancellationToken cancellationToken)
    {
        CheckHealthCheckTool(cancellationToken);
        if (RunCommand("before-switch", settings.BeforeSwitchCommand, release, ErrorCodes.BeforeSwitchFailed, HookScripts.RunBeforeSwitch, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Throws <see cref="ErrorCodes.HealthCheckToolMissing"/> when a health check is set and the host has neither curl nor wget (asked before any switch).</summary>
    public void CheckHealthCheckTool(CancellationToken cancellationToken)
    {
        if (settings.HealthCheckUrl is not null
            && shell.Run(HookScripts.HasHttpClient, null, TimeSpan.FromSeconds(30), cancellationToken).ExitCode == HookScripts.NoHttpClientExitCode)
        {
            throw NoHttpClient();
        }
    }

    /// <summary>Runs the after-switch command in <paramref name="release"/>; returns the failure, or null.</summary>
    public DeployException? AfterSwitch(string release, CancellationToken cancellationToken) =>
        RunCommand("after-switch", settings.AfterSwitchCommand, release, ErrorCodes.AfterSwitchFailed, HookScripts.RunCommand, cancellationToken);

    /// <summary>Fetches the health check URL until it answers 2xx or the time is up; returns the failure, or null.</summary>
    public DeployException? HealthCheck(string release, CancellationToken cancellationToken)
    {
        if (settings.HealthCheckUrl is not { } url)
        {
            return null;
        }

        var result = shell.Run(HookScripts.HealthCheck(url.AbsoluteUri, settings.HealthCheckTimeout), null, settings.HealthCheckTimeout + TimeSpan.FromSeconds(60), cancellationToken);
        var answer = result.Output.TrimEnd('\n').Split('\n')[^1];
        if (result.ExitCode == 0 && answer.StartsWith("healthy ", StringComparison.Ordinal))
        {
            log.Summary($"AtomicDeploy: health check {url.AbsoluteUri} on {shell.Name} answered {answer[8..]}.");
            return null;
        }

        return result.ExitCode == HookScripts.NoHttpClientExitCode
            ? NoHttpClient()
            : new DeployException(ErrorCodes.HealthCheckFailed,
                $"The health check of release {release}, {url.AbsoluteUri} fetched on {shell.Name}, did not answer 2xx within {settings.HealthCheckTimeout.TotalSeconds:0} s. Last response: {(answer.StartsWith("unhealthy ", StringComparison.Ordinal) ? answer[10..] : ServerText.LastLines(result.Output + result.Error))}");
    }

    private DeployException? RunCommand(string name, string? command, string release, string code, Func<string, string, string, TimeSpan, string> script, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(command))
        {
            return null;
        }

        log.Summary($"AtomicDeploy: running the {name} command in releases/{release} on {shell.Name}: {command}");
        var result = shell.Run(script(root, release, command, settings.CommandTimeout), null, settings.CommandTimeout + TimeSpan.FromSeconds(30), cancellationToken);
        foreach (var line in (result.Output + result.Error).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            log.Summary($"  [{name}] {line.TrimEnd('\r')}");
        }

        return result.ExitCode switch
        {
            0 => null,
            HookScripts.TimedOutExitCode => new DeployException(code, $"The {name} command did not finish within {settings.CommandTimeout.TotalSeconds:0} s in releases/{release} on {shell.Name} and was stopped. Raise AtomicDeployHookTimeout, or make the command return sooner."),
            var exit => new DeployException(code, $"The {name} command failed with exit code {exit} in releases/{release} on {shell.Name}; its last lines: {ServerText.LastLines(result.Output + result.Error)}"),
        };
    }

    private DeployException NoHttpClient() => new(ErrorCodes.HealthCheckToolMissing,
        $"The health check needs curl or wget on {shell.Name}, and it has neither. Install one (apt-get install curl), or remove AtomicDeployHealthCheckUrl.");
}
