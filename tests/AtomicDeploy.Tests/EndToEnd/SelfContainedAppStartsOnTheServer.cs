using AtomicDeploy.Core.Engine;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// Issue 19: a self-contained linux-x64 app (its apphost <c>MyShop</c>, no extension, beside the
/// runtime's <c>createdump</c> and shared libraries) deploys through a real <c>dotnet publish</c>
/// over the real sshd, and its apphost then starts on the server as the deploy user and answers.
/// The same output deployed as a Windows build would (the platform injected: no modes, the content
/// rule) starts there too, and builds that alternate between the two systems send no file again.
/// </summary>
[TestClass]
public sealed class SelfContainedAppStartsOnTheServer
{
    private const int Executable = 0b111_101_101;
    private const int Plain = 0b110_100_100;

    [TestMethod]
    public void The_apphost_of_a_self_contained_linux_x64_app_starts_on_the_server_from_a_Linux_and_from_a_Windows_build()
    {
        var server = SharedServer.Instance;
        using var app = SelfContainedApp();
        var linuxRoot = server.NewDeployFolder();

        var publish = app.Publish(WebApp.ServerProperties(server, linuxRoot));

        Assert.AreEqual(0, publish.ExitCode, publish.All);
        var output = Path.Combine(app.ProjectFolder, "bin", "Release", "net10.0", "linux-x64", "publish");
        Assert.IsTrue(File.Exists(Path.Combine(output, "createdump")), "a self-contained publish carries the runtime");
        var linuxTree = new RemoteTree(linuxRoot);
        Assert.AreEqual(Executable, ModeOf(linuxTree, "MyShop"), "the apphost keeps the mode the build gave it");

        // The same output from Windows (no modes there): the live release's modes stay, nothing is deployed.
        var before = Ssh.UnchangedDeploysOverSsh.WithoutLockFile(linuxRoot);
        var unchanged = DeployFrom(server, linuxRoot, output, windows: true);
        StringAssert.Contains(Text(unchanged), "nothing changed since release");
        CollectionAssert.AreEqual(before, Ssh.UnchangedDeploysOverSsh.WithoutLockFile(linuxRoot), "a Windows build of the same output leaves the server as it is (the lock file names its last holder)");
        AssertAnswers(server, linuxRoot);

        // A first deploy from Windows: the rule decides every mode, and the apphost starts.
        var windowsRoot = server.NewDeployFolder();
        var windowsLog = DeployFrom(server, windowsRoot, output, windows: true);
        var windowsTree = new RemoteTree(windowsRoot);
        var first = windowsTree.Releases.Single();
        Assert.AreEqual(Executable, ModeOf(windowsTree, "MyShop"), Text(windowsLog));
        Assert.AreEqual(Executable, ModeOf(windowsTree, "createdump"), "an ELF executable");
        Assert.AreEqual(Plain, ModeOf(windowsTree, "libcoreclr.so"), "a shared library");
        Assert.AreEqual(Plain, ModeOf(windowsTree, "MyShop.dll"));
        AssertAnswers(server, windowsRoot);

        // Then the Linux build of the same output: its modes differ (the runtime's files are 0744 on
        // Linux), so those files change mode, copied on the server from the live release: no file is sent.
        var linuxLog = DeployFrom(server, windowsRoot, output, windows: false);
        var second = windowsTree.Releases.Last();
        Assert.AreNotEqual(first, second, Text(linuxLog));
        var libcoreclr = (int)File.GetUnixFileMode(Path.Combine(output, "libcoreclr.so")) & 0xFFF;
        Assert.AreEqual(libcoreclr, ModeOf(windowsTree, "libcoreclr.so"), "the Linux build's mode");
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(output, "libcoreclr.so")), File.ReadAllBytes(windowsTree.ReleasePath(second) + "/libcoreclr.so"), "byte for byte");
        StringAssert.Matches(Text(linuxLog), new System.Text.RegularExpressions.Regex(@"sending 0 of 0 added and [1-9][0-9]* changed"), Text(linuxLog));
        AssertAnswers(server, windowsRoot);

        // And Windows again: nothing changed.
        StringAssert.Contains(Text(DeployFrom(server, windowsRoot, output, windows: true)), "nothing changed since release");
        Assert.AreEqual(second, windowsTree.Releases.Last());
    }

    private static WebApp SelfContainedApp()
    {
        var app = new WebApp();
        app.UsePublicPackages(); // the runtime packs
        var project = File.ReadAllText(Path.Combine(app.ProjectFolder, "MyShop.csproj"));
        app.Write("MyShop.csproj", project.Replace("<Version>1.0.0</Version>", "<Version>1.0.0</Version>\n    <RuntimeIdentifier>linux-x64</RuntimeIdentifier>\n    <SelfContained>true</SelfContained>", StringComparison.Ordinal));
        return app;
    }

    /// <summary>A whole deploy of <paramref name="source"/> through the engine, its modes decided as on Windows or from the files.</summary>
    private static RecordingLog DeployFrom(SshServer server, string root, string source, bool windows)
    {
        var log = new RecordingLog();
        var settings = EngineDeploy.Deploy(root, source, hosts: [new DeployTarget(server.HostSpec, EngineDeploy.Settings(server))]);
        settings = settings with { Source = settings.Source with { AppHost = "MyShop", WindowsModes = windows } };
        using var deployment = Deployment.Open(settings, log, t => EngineDeploy.Connect(t.Ssh!));
        deployment.Run(DateTime.UtcNow, CancellationToken.None);
        return log;
    }

    private static string Text(RecordingLog log) => string.Join("\n", log.Lines);

    private static int ModeOf(RemoteTree tree, string file) => (int)File.GetUnixFileMode(Path.Combine(tree.Root, "current", file)) & 0xFFF;

    /// <summary>Starts <c>current/MyShop</c> on the server as the deploy user, and asks it for its health.</summary>
    private static void AssertAnswers(SshServer server, string root)
    {
        var port = Loopback.FreePort();
        var pid = Path.Combine(Path.GetDirectoryName(root)!, $"app-{port}.pid");
        server.RunAsUser($"cd '{root}/current' && HOME='{Path.GetDirectoryName(root)}' DOTNET_CLI_TELEMETRY_OPTOUT=1 setsid ./MyShop --urls http://127.0.0.1:{port} > '{pid}.log' 2>&1 < /dev/null & echo $! > '{pid}'");
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string? body = null;
            Wait.Until(() =>
            {
                try
                {
                    body = client.GetStringAsync($"http://127.0.0.1:{port}/health").Result;
                    return true;
                }
                catch (AggregateException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), $"the apphost to answer on port {port}");
            StringAssert.Contains(body, "\"status\":\"ok\"");
        }
        finally
        {
            server.RunAsUser($"kill $(cat '{pid}') 2>/dev/null; true");
        }
    }
}
