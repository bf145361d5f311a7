namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// A user's fresh web app whose only AtomicDeploy settings are in a publish profile deploys with
/// <c>dotnet publish -p:PublishProfile=Production</c>; Directory.Build.props, the profile and the
/// command line combine as MSBuild users expect (command line over profile over Directory.Build.props).
/// </summary>
[TestClass]
public sealed class PublishProfileDeploysAWebApp
{
    [TestMethod]
    public void A_profile_alone_deploys_and_combines_with_Directory_Build_props_and_the_command_line()
    {
        var server = SharedServer.Instance;
        var profileRoot = server.NewDeployFolder();
        var propsRoot = server.NewDeployFolder();
        var commandLineRoot = server.NewDeployFolder();
        using var app = new WebApp();
        app.Write("Properties/PublishProfiles/Production.pubxml", $"""
            <Project>
              <PropertyGroup>
                <WebPublishMethod>FileSystem</WebPublishMethod>
                <PublishProvider>FileSystem</PublishProvider>
                <LastUsedBuildConfiguration>Release</LastUsedBuildConfiguration>
                <PublishUrl>bin/Release/net10.0/publish/</PublishUrl>
                <AtomicDeploy>true</AtomicDeploy>
                <AtomicDeployHost>127.0.0.1</AtomicDeployHost>
                <AtomicDeployPort>{server.Port}</AtomicDeployPort>
                <AtomicDeployUser>{server.User}</AtomicDeployUser>
                <AtomicDeployPath>{profileRoot}</AtomicDeployPath>
                <AtomicDeployKnownHostsFile>{server.KnownHostsFile}</AtomicDeployKnownHostsFile>
                <AtomicDeployPrivateKeyFile>{server.ClientKeyFile}</AtomicDeployPrivateKeyFile>
              </PropertyGroup>
            </Project>
            """);

        var first = app.Run("publish", "-p:PublishProfile=Production");

        Assert.AreEqual(0, first.ExitCode, first.All);
        var profileTree = new RemoteTree(profileRoot);
        var release = profileTree.Releases.Single();
        StringAssert.Contains(first.Output, $"AtomicDeploy: deployed release {release} to {profileRoot} on {server.User}@127.0.0.1:{server.Port}");
        StringAssert.Contains(profileTree.CurrentFile("wwwroot/index.html"), "Hello from HelloWeb");
        Assert.IsTrue(File.Exists(Path.Combine(app.PublishFolder, "MyShop.dll")), "dotnet publish publishes the Release configuration by default");

        // Directory.Build.props (imported before the project) names another path and a shared folder:
        // the profile's path wins, and the shared folder, which the profile does not set, is used.
        app.Write("Directory.Build.props", $"""
            <Project>
              <PropertyGroup>
                <AtomicDeployPath>{propsRoot}</AtomicDeployPath>
                <AtomicDeploySharedPaths>App_Data/</AtomicDeploySharedPaths>
              </PropertyGroup>
            </Project>
            """);

        var second = app.Run("publish", "-p:PublishProfile=Production");

        Assert.AreEqual(0, second.ExitCode, second.All);
        Assert.HasCount(2, profileTree.Releases);
        Assert.IsFalse(Directory.Exists(propsRoot), "the profile's path wins over Directory.Build.props");
        Assert.AreEqual("../../shared/App_Data", new FileInfo(profileTree.ReleasePath(profileTree.Releases.Last(), "App_Data")).LinkTarget, "Directory.Build.props still adds what the profile leaves out");

        // The command line wins over the profile.
        var third = app.Run("publish", "-p:PublishProfile=Production", $"-p:AtomicDeployPath={commandLineRoot}");

        Assert.AreEqual(0, third.ExitCode, third.All);
        var commandLineTree = new RemoteTree(commandLineRoot);
        Assert.HasCount(1, commandLineTree.Releases);
        Assert.HasCount(2, profileTree.Releases, "the profile's server path was not deployed to");
        Assert.AreEqual("../../shared/App_Data", new FileInfo(commandLineTree.ReleasePath(commandLineTree.Releases.Single(), "App_Data")).LinkTarget);
    }
}
