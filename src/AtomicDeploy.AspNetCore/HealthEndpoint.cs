using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AtomicDeploy.AspNetCore;

/// <summary>
/// Answers the health path with 200 and the release's name, ahead of the app's own middleware
/// (so HTTPS redirection or authentication do not turn the check into a redirect or a 401). A
/// startup filter rather than a call on the app, so that <c>AddAtomicDeploy</c> stays one call.
/// </summary>
internal sealed class HealthEndpoint(string path, string release) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Map(new PathString(path), health => health.Run(context => context.Response.WriteAsJsonAsync(new HealthAnswer("ok", release))));
        next(app);
    };

    /// <summary>The answer: the release tells a two-slot check which release the slot runs.</summary>
    internal sealed record HealthAnswer(string Status, string Release);
}
