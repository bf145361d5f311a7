namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// Issue 18 (cold start): while <c>dotnet publish</c> still runs, the package connects to the server,
/// and the deploy after Publish takes that connection; nothing runs on the server ahead, so a publish
/// that fails after it, or input the deploy refuses, changes nothing there.
/// </summary>
[TestClass]
public sealed class ConnectingAheadOfTheDeploy
{
    [TestMethod]
    public void The_deploy_takes_the_connection_made_while_the_publish_ran()
    {
        using var server = SshServer.Start();
        var root = server.NewDeployFolder();
        using var app = new WebApp();

        var result = app.Run(["publish", "-c", "Release", "-v:detailed", .. WebApp.ServerProperties(server, root).Select(p => "-p:" + p)]);

        Assert.AreEqual(0, result.ExitCode, result.All);
        StringAssert.Contains(result.Output, $"AtomicDeploy: connecting to {server.HostSpec} while the publish runs.");
        var ahead = result.Output.IndexOf("while the publish runs.", StringComparison.Ordinal);
        var copied = result.Output.IndexOf("Target \"CopyFilesToPublishDirectory\"", StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, copied, "the detailed log names the publish's copy target");
        Assert.IsLessThan(copied, ahead, "it connects before the publish copies the app");
        Assert.AreEqual(1, server.AcceptedLogins, "the deploy used the connection made ahead");
        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{tree.Releases.Single()}", tree.CurrentLink);

        var off = app.Run(["publish", "-c", "Release", "-v:detailed", "-p:AtomicDeployConnectAhead=false", .. WebApp.ServerProperties(server, root).Select(p => "-p:" + p)]);

        Assert.AreEqual(0, off.ExitCode, off.All);
        Assert.IsFalse(off.Output.Contains("while the publish runs", StringComparison.Ordinal), "AtomicDeployConnectAhead=false connects when the deploy starts");
        Assert.AreEqual(2, server.AcceptedLogins);
    }

    [TestMethod]
    public void A_publish_that_fails_after_connecting_ahead_changes_nothing()
    {
        using var server = SshServer.Start();
        var root = server.NewDeployFolder();
        using var app = new WebApp();
        Assert.AreEqual(0, app.Publish(WebApp.ServerProperties(server, root)).ExitCode);
        var tree = new RemoteTree(root);
        var live = tree.CurrentLink;
        var before = RemoteTree.Snapshot(root);
        // A step of the publish that fails after the connection ahead started (as a failing transform would).
        app.Write("Directory.Build.targets", """
            <Project>
              <Target Name="FailTheCopy" BeforeTargets="CopyFilesToPublishDirectory">
                <Error Text="the publish failed here" />
              </Target>
            </Project>
            """);
        app.Write("wwwroot/index.html", "<h1>never deployed</h1>");

        var failed = app.Run(["publish", "-c", "Release", "-v:detailed", .. WebApp.ServerProperties(server, root).Select(p => "-p:" + p)]);

        Assert.AreNotEqual(0, failed.ExitCode);
        StringAssert.Contains(failed.Output, "the publish failed here");
        StringAssert.Contains(failed.Output, "while the publish runs.", "it had connected ahead");
        Assert.AreEqual(live, tree.CurrentLink);
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(root), "nothing on the server changed");

        File.Delete(Path.Combine(app.ProjectFolder, "Directory.Build.targets"));
        var next = app.Publish([.. WebApp.ServerProperties(server, root), "AtomicDeployLockTimeout=0"]);

        Assert.AreEqual(0, next.ExitCode, next.All);
        Assert.AreEqual("<h1>never deployed</h1>", tree.CurrentFile("wwwroot/index.html"), "the next deploy found the lock free");
    }

    [TestMethod]
    public void Bad_input_reaches_no_server_ahead_either()
    {
        using var server = SshServer.Start();
        var root = server.NewDeployFolder();
        using var app = new WebApp();

        var result = app.Publish([.. WebApp.ServerProperties(server, root), "AtomicDeployKeepReleases=none"]);

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "AtomicDeployKeepReleases is 'none'");
        Assert.AreEqual(0, server.AcceptedLogins, "no connection, ahead or not");
        Assert.IsFalse(Directory.Exists(root));

        // What only the publish folder can show (a link out of it, AD0312) is found after the
        // connection ahead was made: that connection ran nothing.
        using var outside = new TempFolder();
        File.WriteAllText(outside.Combine("app.dll"), "app");
        File.CreateSymbolicLink(outside.Combine("secrets.json"), "/etc/hostname");

        var refused = app.Publish([.. WebApp.ServerProperties(server, root), $"AtomicDeploySourceDir={outside.Path}"]);

        Assert.AreNotEqual(0, refused.ExitCode);
        StringAssert.Contains(refused.Output, "error AD0312");
        Assert.IsFalse(Directory.Exists(root), "the server is as it was");
    }
}
