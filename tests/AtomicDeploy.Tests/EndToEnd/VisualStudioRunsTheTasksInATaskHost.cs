namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// Visual Studio runs MSBuild on .NET Framework, which cannot load the net8.0 tasks. The package's
/// targets decide from MSBuild's runtime and version; the test sets the copies of those reserved
/// properties that the targets read, and runs the real dotnet publish (MSBuild on .NET, whose task
/// host is the same out-of-process host MSBuild 18 on .NET Framework starts for Runtime="NET").
/// </summary>
[TestClass]
public sealed class VisualStudioRunsTheTasksInATaskHost
{
    private const string ExternalTaskHost = "in an external task host with a runtime of \"NET\"";

    [TestMethod]
    public void MSBuild_18_on_NET_Framework_runs_every_task_in_one_NET_task_host_sharing_one_connection()
    {
        using var server = SshServer.Start();
        var root = server.NewDeployFolder();
        using var app = new WebApp();

        var result = app.Run(["publish", "-c", "Release", "-v:detailed", .. Properties(WebApp.ServerProperties(server, root)), "-p:_AtomicDeployMSBuildRuntimeType=Full", "-p:_AtomicDeployMSBuildVersion=18.0.0"]);

        Assert.AreEqual(0, result.ExitCode, result.All);
        foreach (var task in new[] { "OpenDeployment", "PrepareRelease", "UploadChanged", "LinkShared", "SwitchCurrent", "PruneReleases" })
        {
            StringAssert.Contains(result.Output, $"Launching task \"{task}\" from assembly", $"{task} ran");
        }

        Assert.AreEqual(7, CountOf(result.Output, ExternalTaskHost), "OpenDeployment (ahead of the deploy, then for it) and the five steps ran in the .NET task host");
        StringAssert.Contains(result.Output, $"AtomicDeploy: connecting to {server.HostSpec} while the publish runs.");
        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{tree.Releases.Single()}", tree.CurrentLink);
        Assert.AreEqual(1, server.AcceptedLogins, "the tasks in the task host shared one SSH connection, the one made ahead");
    }

    [TestMethod]
    public void Older_MSBuild_on_NET_Framework_stops_with_AD0500_before_any_task_and_the_CLI_runs_them_in_process()
    {
        using var target = new TempFolder();
        using var app = new WebApp();
        var root = target.Combine("app");

        var old = app.Run("publish", "-c", "Release", "-p:AtomicDeploy=true", $"-p:AtomicDeployPath={root}", "-p:_AtomicDeployMSBuildRuntimeType=Full", "-p:_AtomicDeployMSBuildVersion=17.14.8");

        Assert.AreNotEqual(0, old.ExitCode);
        StringAssert.Contains(old.Output, "error AD0500:");
        StringAssert.Contains(old.Output, "Use Visual Studio 2026 (MSBuild 18) or later, or deploy from the command line");
        Assert.IsFalse(Directory.Exists(root), "no task ran");

        var cli = app.Run("publish", "-c", "Release", "-v:detailed", "-p:AtomicDeploy=true", $"-p:AtomicDeployPath={root}");

        Assert.AreEqual(0, cli.ExitCode, cli.All);
        Assert.AreEqual(0, CountOf(cli.Output, ExternalTaskHost), "the dotnet CLI loads the tasks in its own process");
        Assert.HasCount(1, new RemoteTree(root).Releases);
    }

    private static IEnumerable<string> Properties(IEnumerable<string> properties) => properties.Select(p => "-p:" + p);

    private static int CountOf(string text, string part) =>
        (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;
}
