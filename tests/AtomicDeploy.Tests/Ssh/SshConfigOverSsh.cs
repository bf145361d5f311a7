using AtomicDeploy.Core;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>Settings of the ssh config that change how the shared sshd is trusted and reached, end to end through the resolver.</summary>
[TestClass]
public sealed class SshConfigOverSsh
{
    [TestMethod]
    public void HostKeyAlias_looks_the_key_up_under_the_alias_and_AcceptNew_records_it_there()
    {
        var server = SharedServer.Instance;
        using var home = new TempFolder();
        var knownHosts = home.Combine("known_hosts");
        File.WriteAllText(knownHosts, $"web-cluster {server.HostKeyType} {server.HostKeyBase64}\n");
        var config = home.Combine("ssh_config");
        File.WriteAllText(config, $"""
            Host web1
              HostName 127.0.0.1
              Port {server.Port}
              User {server.User}
              HostKeyAlias web-cluster
              UserKnownHostsFile {knownHosts}
              IdentityFile {server.ClientKeyFile}
            Host web2
              HostName 127.0.0.1
              Port {server.Port}
              User {server.User}
              HostKeyAlias fresh-alias
              StrictHostKeyChecking accept-new
              UserKnownHostsFile {knownHosts}
              IdentityFile {server.ClientKeyFile}
            """);

        using (var shell = Connect("web1", config))
        {
            Assert.AreEqual("ok", shell.Run("echo ok", null, TimeSpan.FromSeconds(30), CancellationToken.None).Output.Trim());
        }

        File.WriteAllText(config, File.ReadAllText(config).Replace("HostKeyAlias web-cluster", "HostKeyAlias other-cluster", StringComparison.Ordinal));
        var unknown = Assert.ThrowsExactly<DeployException>(() => Connect("web1", config));
        Assert.AreEqual(ErrorCodes.HostKeyUnknown, unknown.Code, unknown.Message);

        using (Connect("web2", config))
        {
            StringAssert.Contains(File.ReadAllText(knownHosts), $"fresh-alias {server.HostKeyType} {server.HostKeyBase64}");
        }
    }

    private static SshShell Connect(string alias, string config)
    {
        var request = new SshConnectionRequest(alias, null, null, null, [], null, null, "ATOMICDEPLOY_TEST_UNSET_KEY", "ATOMICDEPLOY_TEST_UNSET_PASSPHRASE", "ATOMICDEPLOY_TEST_UNSET_PASSWORD", TimeSpan.FromSeconds(10), false, config);
        return SshShell.Connect(SshConnectionResolver.Resolve(request, "/nonexistent-home", "builder").Settings, _ => null, "/nonexistent-home", CancellationToken.None);
    }
}
