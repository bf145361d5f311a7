using Microsoft.Extensions.Hosting;

namespace AtomicDeploy.AspNetCore;

/// <summary>Tells systemd the app is ready once it listens, and that it is stopping when it begins to stop.</summary>
internal sealed class SystemdLifetimeNotifications(SystemdNotifier notifier, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => notifier.Notify("READY=1"));
        lifetime.ApplicationStopping.Register(() => notifier.Notify("STOPPING=1"));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
