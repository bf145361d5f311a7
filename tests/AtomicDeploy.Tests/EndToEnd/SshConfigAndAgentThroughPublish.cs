namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// A user whose <c>ssh</c> already reaches the server deploys without restating anything: by
/// naming only an alias of their ssh config, or with the key only their ssh-agent holds.
/// </summary>
[TestClass]
public sealed class SshConfigAndAgentThroughPublish
{
    [TestMethod]
    public void A_deploy_names_only_an_alias_that_an_included_file_a_Match_block_and_an_IdentityFile_define()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var folder = new TempFolder();
        using var app = new WebApp();
        Directory.CreateDirectory(folder.Combine("conf.d"));
        Directory.CreateDirectory(folder.Combine("keys"));
        File.Copy(server.ClientKeyFile, folder.Combine("keys", $"{server.User}@127.0.0.1"));
        File.WriteAllText(folder.Combine("conf.d", "shop.conf"), $"""
            Host shop-production
              HostName 127.0.0.1
              Port {server.Port}
              User {server.User}
              ForwardAgent yes
            """);
        var config = folder.Combine("ssh_config");
        File.WriteAllText(config, $"""
            Include {folder.Combine("conf.d")}/*.conf
            Match host 127.0.0.1
              IdentityFile {folder.Path}/keys/%r@%h
              UserKnownHostsFile {server.KnownHostsFile}
            Host *
              IdentityFile /nonexistent/default_key
            """);

        var result = app.PublishWith(new Dictionary<string, string?>(), "-p:AtomicDeploy=true", "-p:AtomicDeployHost=shop-production", $"-p:AtomicDeployPath={root}", $"-p:AtomicDeploySshConfigFile={config}", "-p:AtomicDeployUseAgent=false", "-v:d");

        Assert.AreEqual(0, result.ExitCode, result.All);
        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{tree.Releases.Single()}", tree.CurrentLink);
        StringAssert.Contains(result.All, $"Reaching shop-production as {server.User}@127.0.0.1:{server.Port} with the ssh config {config}: Host shop-production ({folder.Combine("conf.d", "shop.conf")}:1), Match host 127.0.0.1 ({config}:2), Host * ({config}:5).");
        StringAssert.Contains(result.All, $"The ssh config's forwardagent ({folder.Combine("conf.d", "shop.conf")}:5) is not used by AtomicDeploy; it is ignored.");
    }

    [TestMethod]
    public void A_deploy_with_no_key_file_logs_in_with_the_key_in_the_ssh_agent()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var agent = new TestSshAgent();
        agent.Add(server.ClientKeyFile);
        using var app = new WebApp();
        string[] properties = ["-p:AtomicDeploy=true", $"-p:AtomicDeployHost={server.HostSpec}", $"-p:AtomicDeployPath={root}", $"-p:AtomicDeployKnownHostsFile={server.KnownHostsFile}", "-p:AtomicDeploySshConfigFile=none"];

        var result = app.PublishWith(new Dictionary<string, string?> { ["SSH_AUTH_SOCK"] = agent.Socket }, properties);

        Assert.AreEqual(0, result.ExitCode, result.All);
        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{tree.Releases.Single()}", tree.CurrentLink);

        var withoutAgent = app.PublishWith(new Dictionary<string, string?> { ["SSH_AUTH_SOCK"] = agent.Socket, ["HOME"] = agent.Socket + ".home", ["DOTNET_CLI_HOME"] = app.CliTempFolder }, [.. properties, "-p:AtomicDeployUseAgent=false"]);

        Assert.AreNotEqual(0, withoutAgent.ExitCode);
        StringAssert.Contains(withoutAgent.All, AtomicDeploy.Core.ErrorCodes.NoCredential);
        Assert.HasCount(1, tree.Releases, "the refused deploy changed nothing");
    }
}
