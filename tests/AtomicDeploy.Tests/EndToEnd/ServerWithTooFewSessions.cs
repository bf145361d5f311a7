using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>A server with <c>MaxSessions 1</c>: dotnet publish fails with a code that says how many sessions a deploy needs, not with a crash of the task.</summary>
[TestClass]
public sealed class ServerWithTooFewSessions
{
    [TestMethod]
    public void MaxSessions_1_fails_with_a_code_saying_the_deploy_needs_2()
    {
        using var server = SshServer.StartWithMaxSessions(1);
        var root = server.NewDeployFolder();
        using var app = new WebApp();

        var result = app.Publish(WebApp.ServerProperties(server, root));

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, $"error {ErrorCodes.TooFewSessions}:");
        StringAssert.Contains(result.Output, "allows too few sessions per connection");
        StringAssert.Contains(result.Output, "A deploy keeps 2 open at once");
        Assert.DoesNotContain("MSB4018", result.Output, "the task does not crash");
        Assert.IsFalse(Directory.Exists(Path.Combine(root, "releases")) && Directory.EnumerateDirectories(Path.Combine(root, "releases")).Any(), "no release was made");
        Assert.IsFalse(File.Exists(Path.Combine(root, "current")) || Directory.Exists(Path.Combine(root, "current")));
    }
}
