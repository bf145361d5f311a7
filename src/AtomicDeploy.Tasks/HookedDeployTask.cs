using AtomicDeploy.Core;
using AtomicDeploy.Core.Operations;

namespace AtomicDeploy.Tasks;

/// <summary>
/// A task that knows the commands and health check around the switch. The commands are the user's
/// own shell text, run as given on the server by design.
/// </summary>
public abstract class HookedDeployTask : DeployTask
{
    /// <summary>Shell command run in the new release before the switch; a failure aborts the deploy.</summary>
    public string? BeforeSwitchCommand { get; set; }

    /// <summary>Shell command run in the new release after the switch (e.g. <c>sudo systemctl restart myapp</c>).</summary>
    public string? AfterSwitchCommand { get; set; }

    /// <summary>Seconds each command may run (default 300).</summary>
    public string? HookTimeout { get; set; }

    /// <summary>URL fetched on the server after the switch; a failure puts the previous release back.</summary>
    public string? HealthCheckUrl { get; set; }

    /// <summary>Seconds the health check keeps trying (default 30).</summary>
    public string? HealthCheckTimeout { get; set; }

    /// <summary>The settings, checked (bad ones are coded errors before anything touches a server).</summary>
    protected SwitchHookSettings HookSettings() => new(
        BeforeSwitchCommand,
        AfterSwitchCommand,
        TimeSpan.FromSeconds(WholeNumber(HookTimeout, 300, 1, ErrorCodes.TimeoutInvalid, "AtomicDeployHookTimeout")),
        SwitchHookSettings.ParseUrl(HealthCheckUrl),
        TimeSpan.FromSeconds(WholeNumber(HealthCheckTimeout, 30, 1, ErrorCodes.TimeoutInvalid, "AtomicDeployHealthCheckTimeout")));
}
