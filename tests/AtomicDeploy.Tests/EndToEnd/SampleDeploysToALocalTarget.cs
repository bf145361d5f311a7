using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>The README's first command: the sample deploys with no server at all.</summary>
[TestClass]
public sealed class SampleDeploysToALocalTarget
{
    [TestMethod]
    public void The_sample_publishes_into_a_local_target_and_prints_where()
    {
        using var target = new TempFolder();
        var root = target.Combine("HelloWeb");

        var (tree, release) = PublishSample(target, root, "-c", "Release", "-p:AtomicDeploy=true");
        Assert.AreEqual($"releases/{release}", tree.CurrentLink);
        StringAssert.Contains(tree.CurrentFile("wwwroot/index.html"), "Hello from HelloWeb");
        Assert.AreEqual("../../shared/App_Data", new FileInfo(tree.ReleasePath(release, "App_Data")).LinkTarget);
        Assert.AreEqual("../../../shared/wwwroot/uploads", new FileInfo(tree.ReleasePath(release, "wwwroot/uploads")).LinkTarget, "the declared folder the sample ships is linked");
        StringAssert.Contains(File.ReadAllText(Path.Combine(root, "shared", "wwwroot", "uploads", "README.txt")), "seeds shared/wwwroot/uploads/", "what the publish output ships there seeded shared/");
    }

    [TestMethod]
    public void The_sample_Production_profile_turns_the_deploy_on_by_itself()
    {
        using var target = new TempFolder();
        var root = target.Combine("HelloWeb-production");

        // Only the path is overridden, so the test does not write into the repository's artifacts folder.
        var (tree, release) = PublishSample(target, root, "-p:PublishProfile=Production");
        Assert.AreEqual("../../shared/appsettings.Production.json", new FileInfo(tree.ReleasePath(release, "appsettings.Production.json")).LinkTarget, "the profile's shared paths are used");
    }

    [TestMethod]
    public void The_deployed_sample_started_by_systemd_socket_activation_serves_on_its_socket_and_says_it_is_ready()
    {
        using var target = new TempFolder();
        var root = target.Combine("HelloWeb-systemd");
        var (_, release) = PublishSample(target, root, "-c", "Release", "-p:AtomicDeploy=true");

        // systemd's own test tool holds the listening socket and passes it to the app as fd 3,
        // as helloweb.socket does; the app's READY=1 goes to a socket the test listens on, as systemd's would.
        var notifyPath = target.Combine("notify");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(notifyPath));
        notify.ReceiveTimeout = 60_000;
        var port = Loopback.FreePort();
        var dotnet = new FileInfo(ProcessRunner.Check("sh", "-c", "command -v dotnet").Trim());
        var start = new System.Diagnostics.ProcessStartInfo("systemd-socket-activate") { WorkingDirectory = Path.Combine(root, "current"), RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-l", $"127.0.0.1:{port}", $"--setenv=NOTIFY_SOCKET={notifyPath}", $"--setenv=HOME={target.Path}", "--setenv=DOTNET_CLI_TELEMETRY_OPTOUT=1", dotnet.FullName, "HelloWeb.dll" })
        {
            start.ArgumentList.Add(argument);
        }

        using var app = System.Diagnostics.Process.Start(start)!;
        try
        {
            Wait.Until(() => Listening(port), TimeSpan.FromSeconds(15), "systemd-socket-activate to listen");
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var health = JsonDocument.Parse(client.GetStringAsync($"http://127.0.0.1:{port}/healthz").Result).RootElement;
            Assert.AreEqual(release, health.GetProperty("release").GetString(), "the app answers on the socket systemd held");

            var uploaded = client.PostAsync($"http://127.0.0.1:{port}/upload/photo.txt", new StringContent("a photo")).Result;
            Assert.AreEqual(System.Net.HttpStatusCode.Created, uploaded.StatusCode);
            Assert.AreEqual("a photo", File.ReadAllText(Path.Combine(root, "shared", "wwwroot", "uploads", "photo.txt")), "the upload lands in shared/, not in the release");

            var buffer = new byte[256];
            Assert.AreEqual("READY=1", Encoding.UTF8.GetString(buffer, 0, notify.Receive(buffer)));
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            app.WaitForExit(10_000);
        }
    }

    private static bool Listening(int port)
    {
        try
        {
            using var socket = new TcpClient();
            socket.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Publishes the sample with <paramref name="arguments"/> into <paramref name="root"/>, checks that one release was deployed, and returns it.</summary>
    private static (RemoteTree Tree, string Release) PublishSample(TempFolder target, string root, params string[] arguments)
    {
        var result = DotNet.Run(
            ["publish", Repository.Combine("samples", "HelloWeb"), .. arguments, $"-p:AtomicDeployPath={root}"],
            Repository.Root,
            null,
            target.Combine("tmp"));

        Assert.AreEqual(0, result.ExitCode, result.All);
        var tree = new RemoteTree(root);
        var release = tree.Releases.Single();
        StringAssert.Contains(result.Output, $"AtomicDeploy: deployed release {release} to {root} on this machine");
        return (tree, release);
    }
}
