using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// Text from whatever answers on the SSH port, or planted on a real server by someone who can write
/// there, reaches the dotnet publish output only as one line without CI commands: no line starts
/// with <c>::</c> (GitHub Actions) and none holds <c>##vso[</c> (Azure Pipelines).
/// </summary>
[TestClass]
public sealed class ServerTextCannotSteerTheBuildLog
{
    private const string GitHubCommand = "\r::error title=pwned::";
    private const string AzureCommand = "\r##vso[task.setvariable variable=X]";

    [TestMethod]
    public void A_disconnect_message_sent_before_the_key_exchange_shows_in_AD0101_defused()
    {
        using var endpoint = new HostileSshEndpoint($"bye{GitHubCommand}x{AzureCommand}evil");
        using var folder = new TempFolder();
        using var app = new WebApp();

        var result = app.Publish(
            "AtomicDeploy=true",
            $"AtomicDeployHost=deploy@127.0.0.1:{endpoint.Port}",
            "AtomicDeployPath=/srv/app",
            $"AtomicDeployPrivateKeyFile={SharedServer.Instance.ClientKeyFile}",
            $"AtomicDeployKnownHostsFile={folder.Combine("known_hosts")}",
            "AtomicDeployConnectTimeout=10");

        Assert.AreNotEqual(0, result.ExitCode);
        Assert.IsGreaterThanOrEqualTo(1, endpoint.Clients);
        StringAssert.Contains(result.Output, $"error {ErrorCodes.Unreachable}:");
        BuildLogAssert.NoCiCommands(result.Output, "title=pwned::x", "task.setvariable variable=X]evil");
    }

    [TestMethod]
    public void The_current_link_history_fields_lock_owner_and_health_answer_planted_on_a_server_are_defused()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var app = new WebApp();
        var properties = WebApp.ServerProperties(server, root);

        // The current link's target (AD0207 warning).
        server.RunAsUser($"mkdir -p '{root}' && ln -s \"$(printf 'releases/x{Shell(GitHubCommand)}link{Shell(AzureCommand)}link')\" '{root}/current'");
        var deployed = app.Publish(properties);
        Assert.AreEqual(0, deployed.ExitCode, deployed.All);
        StringAssert.Contains(deployed.Output, $"warning {ErrorCodes.RemoteStateInvalid}:");
        BuildLogAssert.NoCiCommands(deployed.Output, "title=pwned::link", "variable=X]link");

        // The version and commit fields of the history (the release table).
        var release = new RemoteTree(root).Releases.Single();
        var line = $$"""{"event":"deploy","release":"{{release}}","time":"2026-01-01T00:00:00Z","user":"u","machine":"m","version":"1.0{{Json(GitHubCommand)}}version","commit":"{{Json(GitHubCommand)}}commit{{Json(AzureCommand)}}commit","outcome":"success"}""";
        server.RunAsUser($"printf '%s\\n' '{line}' >> '{root}/.atomicdeploy/log.jsonl'");
        var list = app.RunTarget("AtomicDeployReleases", [.. properties.Skip(1)]);
        Assert.AreEqual(0, list.ExitCode, list.All);
        BuildLogAssert.NoCiCommands(list.Output, "title=pwned::version");

        // The owner text of a held lock (AD0201). The lock command's output is read line by line
        // (a CR ends a line there too), so the command rides inside the owner's line.
        var state = Path.Combine(root, ".atomicdeploy");
        server.RunAsUser($"cd '{state}' && printf 'ci {AzureCommand.Trim()}lock{Shell(GitHubCommand)}lock\\n' > deploy.lock && (flock deploy.lock sleep 60 >/dev/null 2>&1 & echo $! > holder.pid)");
        var holder = int.Parse(File.ReadAllText(Path.Combine(state, "holder.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            Wait.Until(() => FlockHolder.Holds(holder), TimeSpan.FromSeconds(5), "the planted lock to be held");
            var locked = app.Publish([.. properties, "AtomicDeployLockTimeout=0"]);
            Assert.AreNotEqual(0, locked.ExitCode);
            StringAssert.Contains(locked.Output, $"error {ErrorCodes.Locked}:");
            BuildLogAssert.NoCiCommands(locked.Output, "variable=X]lock");
        }
        finally
        {
            System.Diagnostics.Process.GetProcessById(holder).Kill();
        }

        // A health check's answer (AD0406).
        using var web = new TestWebServer(500, $"down {AzureCommand.Trim()}health {GitHubCommand.Trim()}health");
        // The same files as the live release: AtomicDeployRestartUnchanged makes the health check run.
        var unhealthy = app.Publish([.. properties, $"AtomicDeployHealthCheckUrl={web.Url}", "AtomicDeployHealthCheckTimeout=2", "AtomicDeployRestartUnchanged=true"]);
        Assert.AreNotEqual(0, unhealthy.ExitCode);
        StringAssert.Contains(unhealthy.Output, $"error {ErrorCodes.HealthCheckFailed}:");
        BuildLogAssert.NoCiCommands(unhealthy.Output, "variable=X]health");
    }

    /// <summary>The text for inside a single-quoted printf format: CR written as printf's \r.</summary>
    private static string Shell(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal);

    private static string Json(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal);
}
