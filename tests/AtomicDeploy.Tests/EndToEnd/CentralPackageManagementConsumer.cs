namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// Issue 19: an app whose repository uses Central Package Management (a Directory.Packages.props)
/// references the package as the README shows, restores it from the package feed, and deploys.
/// </summary>
[TestClass]
public sealed class CentralPackageManagementConsumer
{
    [TestMethod]
    public void The_READMEs_central_form_restores_and_deploys_to_a_local_target()
    {
        using var target = new TempFolder();
        var root = target.Combine("local");
        using var app = CentralApp("""
            <PackageReference Include="AtomicDeploy.Tasks" PrivateAssets="all" />
            """, $"""
            <PackageVersion Include="AtomicDeploy.Tasks" Version="{PackageFeed.Version}" />
            """);

        var publish = app.Publish("AtomicDeploy=true", $"AtomicDeployPath={root}");

        Assert.AreEqual(0, publish.ExitCode, publish.All);
        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{tree.Releases.Single()}", tree.CurrentLink, publish.Output);
        StringAssert.Contains(tree.CurrentFile("wwwroot/index.html"), "Hello from HelloWeb");
        Assert.IsFalse(File.Exists(Path.Combine(app.PublishFolder, "AtomicDeploy.Tasks.dll")), "the tasks are not published with the app");
    }

    [TestMethod]
    public void The_version_in_the_project_is_NU1008_under_central_management_and_dotnet_add_package_puts_it_centrally()
    {
        using var app = CentralApp("""
            <PackageReference Include="AtomicDeploy.Tasks" Version="0.1.0" PrivateAssets="all" />
            """, string.Empty);

        var refused = app.Run("restore");
        Assert.AreNotEqual(0, refused.ExitCode);
        StringAssert.Contains(refused.Output, "NU1008");

        app.Write("MyShop.csproj", Project(string.Empty));
        // Not through DotNet.Run: dotnet add package takes no MSBuild switch such as -nodeReuse.
        var added = ProcessRunner.Run("dotnet", ["add", "package", "AtomicDeploy.Tasks", "--version", PackageFeed.Version], app.ProjectFolder, DotNet.Environment(app.PackagesFolder, app.CliTempFolder), TimeSpan.FromMinutes(5));

        Assert.AreEqual(0, added.ExitCode, added.All);
        StringAssert.Contains(File.ReadAllText(Path.Combine(app.ProjectFolder, "..", "Directory.Packages.props")), $"<PackageVersion Include=\"AtomicDeploy.Tasks\" Version=\"{PackageFeed.Version}\" />");
        var project = File.ReadAllText(Path.Combine(app.ProjectFolder, "MyShop.csproj"));
        StringAssert.Contains(project, "<PackageReference Include=\"AtomicDeploy.Tasks\"");
        Assert.DoesNotContain($"Version=\"{PackageFeed.Version}\"", project, project);
        Assert.AreEqual(0, app.Run("restore").ExitCode);
    }

    /// <summary>The test app with its project and a Directory.Packages.props beside it (the repository's root) holding <paramref name="versions"/>.</summary>
    private static WebApp CentralApp(string reference, string versions)
    {
        var app = new WebApp();
        app.Write("MyShop.csproj", Project(reference));
        app.Write(Path.Combine("..", "Directory.Packages.props"), $"""
            <Project>
              <PropertyGroup>
                <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
                <PackageVersion Include="AtomicDeploy.AspNetCore" Version="{PackageFeed.Version}" />
                {versions}
              </ItemGroup>
            </Project>
            """);
        return app;
    }

    private static string Project(string reference) =>
        WebApp.ProjectText(reference + "\n" + """<PackageReference Include="AtomicDeploy.AspNetCore" />""");
}
