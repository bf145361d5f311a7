using System.Net;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// Issue 20's second case, in the shape of the Blazor template with Individual accounts: ASP.NET
/// Core Identity on EF Core SQLite, <c>DataSource=Data/app.db</c>, the database in the project and
/// copied to the output. The user deploys it over the real sshd as the template comes, gets the
/// database warning, declares <c>Data/</c> shared as it says, and deploys on, once after the local
/// database changed; the app runs from <c>current</c> and is restarted after every deploy.
/// </summary>
[TestClass]
public sealed class IdentityUsersSurviveDeploys
{
    [TestMethod]
    public void A_user_registered_in_production_survives_three_deploys_one_after_the_local_database_changed()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var app = IdentityApp();
        using var home = new TempFolder("atomicdeploy-home-");
        LocalDatabase(app, "developer");

        var first = Deploy(app, root, 0);
        var warning = first.Output.Split('\n').FirstOrDefault(line => line.Contains("warning AD0311", StringComparison.Ordinal));
        Assert.IsNotNull(warning, "the first deploy warns about the published database:\n" + first.Output);
        StringAssert.Contains(warning, "'Data/app.db' in the publish output looks like a database");

        string cookie;
        using (var running = new AppFromCurrent(root, "MyShop.dll", home.Path))
        {
            Assert.AreEqual(HttpStatusCode.OK, Post(running, "/register?name=alice&password=alice-secret-1").StatusCode, running.Output);
            cookie = LogIn(running, "alice", "alice-secret-1");
        }

        // The developer registers someone locally: the database in the project changed. The user
        // follows the warning and declares the folder shared in the same deploy.
        LocalDatabase(app, "bob");
        string[] shared = ["AtomicDeploySharedPaths=Data/"];
        var second = Deploy(app, root, 1, shared);
        Assert.DoesNotContain("AD0311", second.Output, "declared shared, the database is no longer warned about");

        for (var deploy = 1; deploy <= 3; deploy++)
        {
            if (deploy > 1)
            {
                Deploy(app, root, deploy, shared);
            }

            using var running = new AppFromCurrent(root, "MyShop.dll", home.Path);
            Assert.AreEqual(HttpStatusCode.OK, running.Get("/me", cookie).StatusCode, $"deploy {deploy}: alice's cookie from before the deploys\n{running.Output}");
            LogIn(running, "alice", "alice-secret-1");
            using var bob = Post(running, "/login?name=bob&password=bob-secret-1");
            Assert.AreEqual(HttpStatusCode.Unauthorized, bob.StatusCode, $"deploy {deploy}: the developer's local database never replaced production's");
            if (deploy == 2)
            {
                Assert.AreEqual(HttpStatusCode.OK, Post(running, "/register?name=carol&password=carol-secret-1").StatusCode, running.Output);
            }

            if (deploy == 3)
            {
                LogIn(running, "carol", "carol-secret-1");
            }
        }

        var tree = new RemoteTree(root);
        Assert.AreEqual("../../shared/Data", new DirectoryInfo(tree.ReleasePath(tree.Releases[^1], "Data")).LinkTarget);
        Assert.IsTrue(File.Exists(Path.Combine(root, "shared", "Data", "app.db")), "production's database lives in shared/");

        // A wrong case in the shared path would have the new release serve the developer's database:
        // refused before anything changes, and production keeps its users.
        var live = tree.CurrentLink;
        var before = RemoteTree.Snapshot(root);
        app.Write("wwwroot/build.txt", "build 4");
        var typo = app.Publish([.. WebApp.ServerProperties(SharedServer.Instance, root), "AtomicDeploySharedPaths=data/"]);
        Assert.AreNotEqual(0, typo.ExitCode, typo.All);
        var refusal = typo.Output.Split('\n').FirstOrDefault(line => line.Contains("error AD0314", StringComparison.Ordinal));
        Assert.IsNotNull(refusal, typo.All);
        StringAssert.Contains(refusal, "Data/ (the publish output ships Data/app.db)");
        StringAssert.Contains(refusal, "add 'Data/' to AtomicDeploySharedPaths");
        Assert.AreEqual(live, tree.CurrentLink);
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(root), "the refused deploy changed nothing on the server");

        // Told that the release is to hold its own Data/ from now on, the deploy goes through; shared/ keeps production's database.
        var unshared = Deploy(app, root, 5, "AtomicDeployUnsharedPaths=Data/");
        Assert.DoesNotContain("AD0314", unshared.Output);
        Assert.IsNull(new DirectoryInfo(tree.ReleasePath(tree.Releases[^1], "Data")).LinkTarget, "the new release holds the published Data/");
        Assert.IsTrue(new FileInfo(Path.Combine(root, "shared", "Data", "app.db")).Length > 0, "shared/ keeps production's database");
    }

    /// <summary>The template's shape: Identity on EF Core SQLite with the database in the project, copied to the output.</summary>
    private static WebApp IdentityApp()
    {
        var app = new WebApp();
        app.UsePublicPackages();
        app.Write("MyShop.csproj", WebApp.ProjectText($"""
                <PackageReference Include="AtomicDeploy.Tasks" Version="{PackageFeed.Version}" PrivateAssets="all" />
                <PackageReference Include="AtomicDeploy.AspNetCore" Version="{PackageFeed.Version}" />
                <PackageReference Include="Microsoft.AspNetCore.Identity.EntityFrameworkCore" Version="10.0.15" />
                <PackageReference Include="Microsoft.EntityFrameworkCore.Sqlite" Version="10.0.15" />
                <None Update="Data/app.db" CopyToOutputDirectory="PreserveNewest" />
            """));
        app.Write("Program.cs", """
            using System.Security.Claims;
            using AtomicDeploy.AspNetCore;
            using Microsoft.AspNetCore.Identity;
            using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
            using Microsoft.EntityFrameworkCore;

            var builder = WebApplication.CreateBuilder(args);
            builder.AddAtomicDeploy();
            builder.Services.AddDbContext<AppDb>(options => options.UseSqlite("DataSource=Data/app.db;Cache=Shared"));
            builder.Services.AddIdentityCore<IdentityUser>(options => options.Password.RequireUppercase = false).AddEntityFrameworkStores<AppDb>().AddSignInManager();
            builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
            builder.Services.AddAuthorization();
            var app = builder.Build();

            if (args is ["--create-database", var user])
            {
                // What `dotnet ef database update` and a local registration do to the project's database.
                using var scope = app.Services.CreateScope();
                scope.ServiceProvider.GetRequiredService<AppDb>().Database.EnsureCreated();
                var created = await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().CreateAsync(new IdentityUser(user), user + "-secret-1");
                return created.Succeeded ? 0 : 1;
            }

            app.UseAuthentication();
            app.MapPost("/register", async (string name, string password, UserManager<IdentityUser> users) =>
                (await users.CreateAsync(new IdentityUser(name), password)) is { Succeeded: true } ? Results.Ok() : Results.BadRequest());
            app.MapPost("/login", async (string name, string password, SignInManager<IdentityUser> signIn) =>
                (await signIn.PasswordSignInAsync(name, password, isPersistent: true, lockoutOnFailure: false)).Succeeded ? Results.Empty : Results.Unauthorized());
            app.MapGet("/me", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true ? Results.Text(user.Identity.Name) : Results.Unauthorized());
            await app.RunAsync();
            return 0;

            class AppDb(DbContextOptions<AppDb> options) : IdentityDbContext<IdentityUser>(options);
            """);
        return app;
    }

    /// <summary>Builds the app and registers <paramref name="user"/> in the project's own <c>Data/app.db</c> (created when missing), as a developer running it locally would.</summary>
    private static void LocalDatabase(WebApp app, string user)
    {
        var build = app.Run("build", "-c", "Release");
        Assert.AreEqual(0, build.ExitCode, build.All);
        Directory.CreateDirectory(Path.Combine(app.ProjectFolder, "Data"));
        var run = ProcessRunner.Run("dotnet", [Path.Combine(app.ProjectFolder, "bin", "Release", "net10.0", "MyShop.dll"), "--create-database", user], app.ProjectFolder, DotNet.Environment(app.PackagesFolder, app.CliTempFolder), TimeSpan.FromMinutes(2));
        Assert.AreEqual(0, run.ExitCode, run.All);
    }

    private static ProcessResult Deploy(WebApp app, string root, int number, params string[] properties)
    {
        app.Write("wwwroot/build.txt", $"build {number}");
        var result = app.Publish([.. WebApp.ServerProperties(SharedServer.Instance, root), .. properties]);
        Assert.AreEqual(0, result.ExitCode, result.All);
        return result;
    }

    private static HttpResponseMessage Post(AppFromCurrent running, string pathAndQuery) =>
        running.Client.PostAsync(pathAndQuery, null).Result;

    private static string LogIn(AppFromCurrent running, string name, string password)
    {
        using var login = Post(running, $"/login?name={name}&password={password}");
        Assert.AreEqual(HttpStatusCode.OK, login.StatusCode, $"{name} logs in\n{running.Output}");
        var setCookie = login.Headers.GetValues("Set-Cookie").Single(header => header.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal));
        return setCookie.Split(';')[0];
    }
}
