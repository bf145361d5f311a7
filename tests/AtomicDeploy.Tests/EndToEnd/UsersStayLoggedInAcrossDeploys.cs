using System.Net;
using System.Text.Json;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// Issue 20's first case, as a user would run it: an app with cookie authentication, deployed by
/// <c>dotnet publish -p:AtomicDeploy=true</c> to a local target and run from <c>current</c>, is
/// deployed and restarted again and again while a user holds a login cookie.
/// </summary>
[TestClass]
public sealed class UsersStayLoggedInAcrossDeploys
{
    [TestMethod]
    public void With_AddAtomicDeploy_a_cookie_from_before_three_deploys_still_logs_the_user_in()
    {
        using var app = CookieApp(withPackage: true);
        using var home = new TempFolder("atomicdeploy-home-");
        var root = Path.GetFullPath(Path.Combine(app.ProjectFolder, "..", "deploy"));
        var releases = new List<string> { Deploy(app, root, 0) };

        string cookie;
        using (var running = new AppFromCurrent(root, "MyShop.dll", home.Path))
        {
            cookie = LogIn(running);
            Assert.AreEqual(HttpStatusCode.OK, running.Get("/me", cookie).StatusCode, running.Output);
        }

        for (var deploy = 1; deploy <= 3; deploy++)
        {
            var release = Deploy(app, root, deploy);
            releases.Add(release);
            using var running = new AppFromCurrent(root, "MyShop.dll", home.Path);
            using var me = running.Get("/me", cookie);
            Assert.AreEqual(HttpStatusCode.OK, me.StatusCode, $"deploy {deploy}: the cookie from before the deploys is rejected\n{running.Output}");
            Assert.AreEqual("alice", me.Content.ReadAsStringAsync().Result);

            var health = JsonDocument.Parse(running.Client.GetStringAsync("/healthz").Result).RootElement;
            Assert.AreEqual(release, health.GetProperty("release").GetString(), "the health endpoint names the release the app runs");
        }

        var tree = new RemoteTree(root);
        Assert.AreEqual(4, releases.Distinct().Count(), "four releases, each started from its own folder");
        var keys = Path.Combine(root, "shared", ".aspnet", "DataProtection-Keys");
        Assert.AreEqual(1, Directory.GetFiles(keys, "key-*.xml").Length, "one key ring in shared/, used by every release");
        Assert.IsFalse(Directory.Exists(Path.Combine(home.Path, ".aspnet")), "no key ring in the app user's home");
        foreach (var release in tree.Releases)
        {
            // Everything in shared/ is linked into each release, so the key ring is seen through a
            // link there; a real folder would be a key ring of the release's own, pruned with it.
            Assert.AreEqual("../../shared/.aspnet", new DirectoryInfo(tree.ReleasePath(release, ".aspnet")).LinkTarget, $"release {release} reads the key ring in shared/");
        }
    }

    [TestMethod]
    public void Without_the_package_the_same_cookie_is_rejected_after_one_deploy()
    {
        using var app = CookieApp(withPackage: false);
        using var home = new TempFolder("atomicdeploy-home-");
        var root = Path.GetFullPath(Path.Combine(app.ProjectFolder, "..", "deploy"));
        Deploy(app, root, 0);

        string cookie;
        using (var running = new AppFromCurrent(root, "MyShop.dll", home.Path))
        {
            cookie = LogIn(running);
            Assert.AreEqual(HttpStatusCode.OK, running.Get("/me", cookie).StatusCode, running.Output);
        }

        Deploy(app, root, 1);
        using (var running = new AppFromCurrent(root, "MyShop.dll", home.Path))
        {
            // The key ring persisted in the home folder, but the new release's content root is a
            // new application discriminator: the ticket cannot be unprotected.
            Assert.AreEqual(HttpStatusCode.Unauthorized, running.Get("/me", cookie).StatusCode);
        }

        Assert.AreEqual(1, Directory.GetFiles(Path.Combine(home.Path, ".aspnet", "DataProtection-Keys"), "key-*.xml").Length);
    }

    /// <summary>The sample app with cookie authentication: <c>/login</c> signs alice in, <c>/me</c> says who is logged in.</summary>
    private static WebApp CookieApp(bool withPackage)
    {
        var app = new WebApp();
        app.Write("Program.cs", $$"""
            using System.Security.Claims;
            using Microsoft.AspNetCore.Authentication;
            using Microsoft.AspNetCore.Authentication.Cookies;
            {{(withPackage ? "using AtomicDeploy.AspNetCore;" : "")}}

            var builder = WebApplication.CreateBuilder(args);
            {{(withPackage ? "builder.AddAtomicDeploy();" : "")}}
            builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
            var app = builder.Build();
            app.UseAuthentication();
            app.MapGet("/login", (HttpContext context) => context.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], "password"))));
            app.MapGet("/me", (HttpContext context) => context.User.Identity?.IsAuthenticated == true ? Results.Text(context.User.Identity.Name) : Results.Unauthorized());
            app.Run();
            """);
        return app;
    }

    /// <summary>Changes the app a little (a new build, as at every deploy), deploys it, and returns the new release.</summary>
    private static string Deploy(WebApp app, string root, int number)
    {
        app.Write("wwwroot/build.txt", $"build {number}");
        var before = new RemoteTree(root).Releases;
        var result = app.Publish("AtomicDeploy=true", $"AtomicDeployPath={root}");
        Assert.AreEqual(0, result.ExitCode, result.All);
        return new RemoteTree(root).Releases.Except(before).Single();
    }

    private static string LogIn(AppFromCurrent running)
    {
        using var login = running.Client.GetAsync("/login").Result;
        Assert.AreEqual(HttpStatusCode.OK, login.StatusCode, running.Output);
        var setCookie = login.Headers.GetValues("Set-Cookie").Single(header => header.StartsWith(".AspNetCore.Cookies=", StringComparison.Ordinal));
        return setCookie.Split(';')[0];
    }
}
