using System.Text;
using AtomicDeploy.Tests.Ssh;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>A folder of hostile file names and hostile shared paths, deployed by <c>dotnet publish</c> with the spec's properties.</summary>
[TestClass]
public sealed class HostileNamesThroughPublish
{
    [TestMethod]
    public void Hostile_names_deploy_byte_for_byte_and_nothing_in_them_runs()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder();
        foreach (var name in HostileFileNames.Names)
        {
            source.Write(name, "content of " + name);
        }

        using var app = new WebApp();

        // MSBuild reads ';' as a list separator and '$(' as a property: %3B and %24 are how a
        // project writes them literally.
        var result = app.Publish([.. WebApp.ServerProperties(server, root), $"AtomicDeploySourceDir={source.Path}", "AtomicDeploySharedPaths=\"-shared dir/;%24(touch PWNED)\""]);

        Assert.AreEqual(0, result.ExitCode, result.All);
        var current = Path.Combine(root, "current");
        foreach (var name in HostileFileNames.Names)
        {
            CollectionAssert.AreEqual(Encoding.UTF8.GetBytes("content of " + name), File.ReadAllBytes(Path.Combine(current, name)), name);
        }

        Assert.IsTrue(Directory.Exists(Path.Combine(root, "shared", "-shared dir")));
        Assert.IsTrue(File.Exists(Path.Combine(root, "shared", "$(touch PWNED)")));
        Assert.AreEqual("../../shared/$(touch PWNED)", new FileInfo(Path.Combine(current, "$(touch PWNED)")).LinkTarget);
        Assert.IsFalse(Directory.EnumerateFiles(root, "PWNED", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Any(), "no name was executed");
        Assert.IsFalse(File.Exists(Path.Combine(app.ProjectFolder, "PWNED")), "no name was executed on the build machine");
    }
}
