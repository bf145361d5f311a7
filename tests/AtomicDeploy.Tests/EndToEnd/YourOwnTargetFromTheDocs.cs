using System.Text.RegularExpressions;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// The custom target that docs/configuration.md shows under "Your own targets", taken from the page
/// as it is and put into an app: it deploys, its <c>UploadChanged</c> outputs say what was sent (files
/// removed counted as files, not folders), and a folder deleted from the project is removed from the
/// release although <c>dotnet publish</c> left its files in the publish folder.
/// </summary>
[TestClass]
public sealed partial class YourOwnTargetFromTheDocs
{
    [TestMethod]
    public void The_documented_target_deploys_reports_its_outputs_and_leaves_out_what_an_earlier_publish_left_behind()
    {
        using var target = new TempFolder();
        var root = target.Combine("local");
        using var app = new WebApp();
        var project = Path.Combine(app.ProjectFolder, "MyShop.csproj");
        File.WriteAllText(project, File.ReadAllText(project).Replace("</Project>", DocumentedTarget() + "\n</Project>", StringComparison.Ordinal));
        app.Write("wwwroot/old/a.js", "a");
        app.Write("wwwroot/old/b.js", "b");

        var first = app.Publish($"AtomicDeployPath={root}");

        Assert.AreEqual(0, first.ExitCode, first.All);
        var tree = new RemoteTree(root);
        Assert.AreEqual("a", tree.CurrentFile("wwwroot/old/a.js"), first.Output);
        StringAssert.Contains(first.Output, "the release is ready on every host, not yet live");
        StringAssert.Matches(first.Output, new Regex(@"this machine: [1-9][0-9]* added, 0 changed, 0 removed, [1-9][0-9]* bytes sent"), first.Output);

        Directory.Delete(Path.Combine(app.ProjectFolder, "wwwroot", "old"), recursive: true);
        var second = app.Publish($"AtomicDeployPath={root}");

        Assert.AreEqual(0, second.ExitCode, second.All);
        Assert.IsTrue(File.Exists(Path.Combine(app.PublishFolder, "wwwroot", "old", "a.js")), "dotnet publish leaves a deleted file in its folder");
        Assert.IsFalse(Directory.Exists(Path.Combine(root, "current", "wwwroot", "old")), second.Output);
        // The Web SDK publishes a.js and b.js with their compressed copies: every file the release lost is counted, its folder not.
        var lost = Files(tree.ReleasePath(tree.Releases[0])).Except(Files(tree.ReleasePath(tree.Releases[^1]))).ToArray();
        Assert.IsTrue(lost.Length >= 2 && lost.All(f => f.StartsWith("wwwroot/old/", StringComparison.Ordinal)), string.Join(", ", lost));
        StringAssert.Matches(second.Output, new Regex($@"this machine: 0 added, [0-9]+ changed, {lost.Length} removed, "), second.Output);
        StringAssert.Matches(second.Output, new Regex($@"this machine: {tree.Releases.Last()}, pruned"), second.Output);
    }

    private static IEnumerable<string> Files(string release) =>
        Directory.EnumerateFiles(release, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(release, f));

    /// <summary>The first XML block under "Your own targets" in docs/configuration.md.</summary>
    private static string DocumentedTarget()
    {
        var page = File.ReadAllText(Repository.Combine("docs", "configuration.md"));
        var section = page[page.IndexOf("## Your own targets", StringComparison.Ordinal)..];
        return XmlBlock().Match(section).Groups[1].Value;
    }

    [GeneratedRegex(@"```xml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex XmlBlock();
}
