namespace AtomicDeploy.AspNetCore;

/// <summary>What <see cref="AtomicDeployWebApplicationBuilderExtensions.AddAtomicDeploy"/> sets up when the app runs from a release.</summary>
public sealed class AtomicDeployOptions
{
    /// <summary>
    /// The Data Protection application name: apps with the same name and key ring read each
    /// other's cookies and tokens. Null (the default) takes the app's own name
    /// (<c>IHostEnvironment.ApplicationName</c>, the entry assembly's name).
    /// </summary>
    public string? ApplicationName { get; set; }

    /// <summary>Where the Data Protection key ring is kept, relative to <c>shared/</c>. Default <c>.aspnet/DataProtection-Keys</c>.</summary>
    public string KeysFolder { get; set; } = Path.Combine(".aspnet", "DataProtection-Keys");

    /// <summary>The path of the health endpoint, answered before the app's own middleware; null for none. Default <c>/healthz</c>.</summary>
    public string? HealthPath { get; set; } = "/healthz";

    /// <summary>
    /// When systemd started the app: take the listening sockets systemd passes (socket
    /// activation) and tell systemd when the app is ready and when it stops (<c>Type=notify</c>).
    /// Default true; it does nothing when systemd did not start the app.
    /// </summary>
    public bool UseSystemd { get; set; } = true;
}
