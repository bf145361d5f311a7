using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AtomicDeploy.AspNetCore;

/// <summary>The one call an app makes to keep working across AtomicDeploy deploys.</summary>
public static class AtomicDeployWebApplicationBuilderExtensions
{
    /// <summary>
    /// When the app runs from a release of an AtomicDeploy deploy folder (its content root or
    /// base folder resolves to <c>&lt;path&gt;/releases/&lt;name&gt;/</c> with <c>current</c> and
    /// <c>shared/</c> beside it): keeps the Data Protection key ring in <c>shared/</c> under one
    /// application name, so cookies and tokens stay valid in every release and every slot; answers
    /// a health endpoint (<see cref="AtomicDeployOptions.HealthPath"/>); and, when systemd started
    /// the app, takes its sockets and notifies it. Anywhere else (a developer's machine, a
    /// container) it changes nothing.
    /// </summary>
    /// <param name="builder">The app's builder.</param>
    /// <param name="configure">Changes to the defaults of <see cref="AtomicDeployOptions"/>.</param>
    /// <returns>The same builder.</returns>
    public static WebApplicationBuilder AddAtomicDeploy(this WebApplicationBuilder builder, Action<AtomicDeployOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var release = ReleaseFolder.Find(builder.Environment.ContentRootPath, AppContext.BaseDirectory);
        if (release is null)
        {
            return builder;
        }

        var options = new AtomicDeployOptions();
        configure?.Invoke(options);
        builder.Services.AddSingleton(release);

        // The default application name is the content root, which is a new folder at every
        // deploy: without a fixed name, a cookie issued by one release is rejected by the next.
        builder.Services.AddDataProtection()
            .SetApplicationName(options.ApplicationName ?? builder.Environment.ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(release.SharedPath, options.KeysFolder)));

        if (options.HealthPath is { } healthPath)
        {
            builder.Services.AddSingleton<IStartupFilter>(new HealthEndpoint(healthPath, release.Release));
        }

        if (options.UseSystemd && SystemdNotifier.FromEnvironment() is { } notifier)
        {
            builder.Services.AddSingleton(notifier);
            builder.Services.AddHostedService<SystemdLifetimeNotifications>();
        }

        if (options.UseSystemd)
        {
            // Kestrel takes the sockets only when systemd passed them to this very process (LISTEN_PID).
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.UseSystemd());
        }

        return builder;
    }
}
