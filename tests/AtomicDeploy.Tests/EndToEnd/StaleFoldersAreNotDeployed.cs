namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// Issue 20's third case: the template's database is taken out of the publish output, the SDK
/// removes the file from the publish folder but leaves its folder, and that empty folder must not
/// take the place of the declared shared folder of the same name.
/// </summary>
[TestClass]
public sealed class StaleFoldersAreNotDeployed
{
    [TestMethod]
    public void An_empty_Data_folder_left_by_an_earlier_publish_lets_the_shared_Data_folder_be_linked()
    {
        using var target = new TempFolder();
        var root = target.Combine("local");
        using var app = new WebApp();
        app.Write("Data/app.db", "SQLite format 3");
        app.Write("Directory.Build.props", """
            <Project>
              <ItemGroup Condition="Exists('Data/app.db')">
                <Content Include="Data/app.db" CopyToPublishDirectory="PreserveNewest" />
              </ItemGroup>
            </Project>
            """);
        var first = app.Publish();
        Assert.AreEqual(0, first.ExitCode, first.All);
        Assert.IsTrue(File.Exists(Path.Combine(app.PublishFolder, "Data", "app.db")), "the database was published");

        app.Delete("Data/app.db");
        var deploy = app.Publish("AtomicDeploy=true", $"AtomicDeployPath={root}", "AtomicDeploySharedPaths=Data/");

        Assert.AreEqual(0, deploy.ExitCode, deploy.All);
        Assert.IsTrue(Directory.Exists(Path.Combine(app.PublishFolder, "Data")), "the SDK left the folder in the publish folder");
        Assert.IsEmpty(Directory.GetFileSystemEntries(Path.Combine(app.PublishFolder, "Data")), "and emptied it");
        var tree = new RemoteTree(root);
        Assert.AreEqual("../../shared/Data", new DirectoryInfo(tree.ReleasePath(tree.Releases.Single(), "Data")).LinkTarget, deploy.Output);
    }
}
