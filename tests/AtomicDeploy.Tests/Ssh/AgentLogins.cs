using AtomicDeploy.Core;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Logins with keys that only a real OpenSSH ssh-agent holds (started on its own socket, fed by
/// ssh-add), against the shared sshd: no key file is named and the home folder has none.
/// </summary>
[TestClass]
public sealed class AgentLogins
{
    [TestMethod]
    public void A_deploy_with_only_an_ed25519_key_in_the_agent()
    {
        var server = SharedServer.Instance;
        using var agent = new TestSshAgent();
        agent.Add(server.ClientKeyFile);
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");

        var release = EngineDeploy.Deploy(Connect(NoKeyFile(server), agent.Socket), root, source.Path);

        Assert.AreEqual($"releases/{release}", new RemoteTree(root).CurrentLink);
    }

    [TestMethod]
    [DataRow("rsa", "3072")]
    [DataRow("ecdsa", "384")]
    [DataRow("ecdsa", "521")]
    public void Rsa_and_ecdsa_keys_in_the_agent_log_in(string type, string bits)
    {
        // OpenSSH refuses SHA-1 ssh-rsa signatures by default: an RSA login proves the agent was asked for rsa-sha2.
        var server = SharedServer.Instance;
        using var agent = new TestSshAgent();
        var key = agent.NewKey(type, bits);
        agent.Add(key);
        server.Authorize(key + ".pub");

        using var shell = Connect(NoKeyFile(server), agent.Socket);

        Assert.AreEqual("ok", shell.Run("echo ok", null, TimeSpan.FromSeconds(30), CancellationToken.None).Output.Trim());
    }

    [TestMethod]
    public void The_agent_is_offered_before_a_key_file_the_server_refuses()
    {
        var server = SharedServer.Instance;
        using var agent = new TestSshAgent();
        agent.Add(server.ClientKeyFile);
        var stranger = agent.NewKey("ed25519", "256");

        using var shell = Connect(EngineDeploy.Settings(server, keyFile: stranger), agent.Socket);

        Assert.AreEqual("ok", shell.Run("echo ok", null, TimeSpan.FromSeconds(30), CancellationToken.None).Output.Trim());
    }

    [TestMethod]
    public void IdentityAgent_names_the_socket_itself_or_a_variable_holding_it()
    {
        var server = SharedServer.Instance;
        using var agent = new TestSshAgent();
        agent.Add(server.ClientKeyFile);
        Dictionary<string, string> environment = new() { ["MY_AGENT"] = agent.Socket };

        foreach (var identityAgent in new[] { agent.Socket, "$MY_AGENT" })
        {
            using var shell = SshShell.Connect(NoKeyFile(server) with { IdentityAgent = identityAgent }, name => environment.GetValueOrDefault(name), "/nonexistent-home", CancellationToken.None);

            Assert.AreEqual("ok", shell.Run("echo ok", null, TimeSpan.FromSeconds(30), CancellationToken.None).Output.Trim(), identityAgent);
        }

        var none = Assert.ThrowsExactly<DeployException>(() => Connect(NoKeyFile(server) with { IdentityAgent = "none" }, agent.Socket));
        Assert.AreEqual(ErrorCodes.NoCredential, none.Code, none.Message);
    }

    [TestMethod]
    public void UseAgent_false_and_IdentitiesOnly_leave_the_agent_out()
    {
        var server = SharedServer.Instance;
        using var agent = new TestSshAgent();
        agent.Add(server.ClientKeyFile);
        var stranger = agent.NewKey("ed25519", "256");

        foreach (var settings in new[] { EngineDeploy.Settings(server, keyFile: stranger) with { UseAgent = false }, EngineDeploy.Settings(server, keyFile: stranger) with { IdentitiesOnly = true } })
        {
            var refused = Assert.ThrowsExactly<DeployException>(() => Connect(settings, agent.Socket));
            Assert.AreEqual(ErrorCodes.KeyRefused, refused.Code, refused.Message);
            Assert.DoesNotContain("ssh-agent", refused.Message);
        }
    }

    [TestMethod]
    public void An_empty_agent_a_refused_agent_key_and_a_dead_socket_each_have_their_code()
    {
        var server = SharedServer.Instance;
        using var agent = new TestSshAgent();

        var empty = Assert.ThrowsExactly<DeployException>(() => Connect(NoKeyFile(server), agent.Socket));
        Assert.AreEqual(ErrorCodes.AgentEmpty, empty.Code, empty.Message);
        StringAssert.Contains(empty.Message, agent.Socket);

        var stranger = agent.NewKey("ed25519", "256");
        agent.Add(stranger);
        var refused = Assert.ThrowsExactly<DeployException>(() => Connect(NoKeyFile(server), agent.Socket));
        Assert.AreEqual(ErrorCodes.AgentKeysRefused, refused.Code, refused.Message);
        StringAssert.Contains(refused.Message, HostKeyCheck.Fingerprint(Convert.FromBase64String(File.ReadAllText(stranger + ".pub").Split(' ')[1])));
        StringAssert.Contains(refused.Message, "agent-ed25519");

        var dead = Assert.ThrowsExactly<DeployException>(() => Connect(NoKeyFile(server), agent.Socket + ".gone"));
        Assert.AreEqual(ErrorCodes.AgentUnreachable, dead.Code, dead.Message);
    }

    [TestMethod]
    public void A_key_whose_use_is_not_confirmed_is_refused_with_its_code()
    {
        var server = SharedServer.Instance;
        using var agent = new TestSshAgent();
        agent.Add(server.ClientKeyFile, confirm: true);

        var refused = Assert.ThrowsExactly<DeployException>(() => Connect(NoKeyFile(server), agent.Socket));

        Assert.AreEqual(ErrorCodes.AgentSignRefused, refused.Code, refused.Message);
        StringAssert.Contains(refused.Message, "test-client");
    }

    private static SshSettings NoKeyFile(SshServer server) => EngineDeploy.Settings(server) with { PrivateKeyFile = null };

    private static SshShell Connect(SshSettings settings, string agentSocket) =>
        SshShell.Connect(settings, name => name == "SSH_AUTH_SOCK" ? agentSocket : null, "/nonexistent-home", CancellationToken.None);
}
