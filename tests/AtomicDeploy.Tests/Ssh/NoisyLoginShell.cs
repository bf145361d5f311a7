namespace AtomicDeploy.Tests.Ssh;

/// <summary>A deploy user whose login shell is bash with a .bashrc that prints text: the deploy still reads the server right.</summary>
[TestClass]
public sealed class NoisyLoginShell
{
    [TestMethod]
    public void A_bash_login_that_prints_a_greeting_does_not_disturb_the_deploy()
    {
        if (Environment.UserName != "root")
        {
            Assert.Inconclusive("Making a deploy user with its own login shell needs root (CI runs as root).");
        }

        using var server = SshServer.StartWithLoginShell("atomicdeploy-bash", "/bin/bash");
        var home = ProcessRunner.Check("sh", "-c", "getent passwd atomicdeploy-bash | cut -d: -f6").Trim();
        File.WriteAllText(Path.Combine(home, ".bashrc"), "echo 'Welcome to web1! atomicdeploy-state 1 manifest'\necho 'releases/20991231235959'\n");
        server.GiveToUser(home);
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/index.html", "one");
        EngineDeploy.Deploy(server, root, source.Path, shared: ["uploads/"]);

        source.Write("app.dll", "v2").Delete("wwwroot/index.html");
        var release = EngineDeploy.Deploy(server, root, source.Path, shared: ["uploads/"]);

        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{release}", tree.CurrentLink);
        Assert.AreEqual("v2", tree.CurrentFile("app.dll"));
        Assert.IsFalse(File.Exists(tree.ReleasePath(release, "wwwroot/index.html")));
        Assert.AreEqual("../../shared/uploads", new FileInfo(tree.ReleasePath(release, "uploads")).LinkTarget);
        Assert.IsTrue(server.AcceptedLogins >= 2);
    }
}
