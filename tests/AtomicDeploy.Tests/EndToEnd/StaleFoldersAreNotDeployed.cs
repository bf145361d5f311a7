namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// Issue 20's second and third cases: the template's database in the publish output is warned
/// about; once it is taken out, the SDK removes the file from the publish folder but leaves its
/// folder, and that empty folder must not take the place of the declared shared folder.
/// </summary>
[TestClass]
public sealed class StaleFoldersAreNotDeployed
{
    [TestMethod]
    public void A_published_database_is_warned_about_and_the_empty_Data_folder_it_leaves_lets_the_shared_Data_folder_be_linked()
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
        var first = app.Publish("AtomicDeploy=true", $"AtomicDeployPath={root}");
        Assert.AreEqual(0, first.ExitCode, first.All);
        Assert.IsTrue(File.Exists(Path.Combine(app.PublishFolder, "Data", "app.db")), "the database was published");
        var warning = first.Output.Split('\n').Single(line => line.Contains("warning AD0311", StringComparison.Ordinal));
        StringAssert.Contains(warning, "'Data/app.db' in the publish output looks like a database");
        StringAssert.Contains(warning, "<AtomicDeploySharedPaths>Data/</AtomicDeploySharedPaths>");

        app.Delete("Data/app.db");
        var deploy = app.Publish("AtomicDeploy=true", $"AtomicDeployPath={root}", "AtomicDeploySharedPaths=Data/");

        Assert.AreEqual(0, deploy.ExitCode, deploy.All);
        Assert.IsTrue(Directory.Exists(Path.Combine(app.PublishFolder, "Data")), "the SDK left the folder in the publish folder");
        Assert.IsEmpty(Directory.GetFileSystemEntries(Path.Combine(app.PublishFolder, "Data")), "and emptied it");
        var tree = new RemoteTree(root);
        Assert.AreEqual("../../shared/Data", new DirectoryInfo(tree.ReleasePath(tree.Releases[^1], "Data")).LinkTarget, deploy.Output);
        Assert.DoesNotContain("AD0311", deploy.Output, "no database is published any more");
    }
}
