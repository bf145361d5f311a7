using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Issue 18 (cold start): a host connected ahead is a plain connection the deploy takes, with nothing
/// run on the server; a connection that fails ahead fails where the deploy takes it, coded as a
/// connection made then would have failed.
/// </summary>
[TestClass]
public sealed class ConnectAheadOverSsh
{
    [TestMethod]
    public void A_connection_made_ahead_runs_nothing_until_the_deploy_takes_it()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        var ahead = Assert.ContainsSingle(HostAhead.Start(Settings(server, root, server.KnownHostsFile), _ => null, "/nonexistent-home"));

        using var shell = ahead.Take(CancellationToken.None);

        Assert.IsFalse(Directory.Exists(root), "nothing was run on the server ahead");
        Assert.AreEqual("ok\n", shell.Run("echo ok", null, TimeSpan.FromSeconds(30), CancellationToken.None).Output);
        Assert.AreEqual(server.HostSpec, shell.Name);
    }

    [TestMethod]
    public void A_connection_that_fails_ahead_fails_where_it_is_taken_with_the_code_of_a_connection_made_then()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var folder = new TempFolder();
        var wrongKey = folder.Combine("known_hosts");
        File.WriteAllText(wrongKey, $"[127.0.0.1]:{server.Port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n");
        var settings = Settings(server, root, wrongKey);
        var direct = Assert.ThrowsExactly<DeployException>(() => settings.Hosts[0].Connect(_ => null, "/nonexistent-home", CancellationToken.None));
        var ahead = Assert.ContainsSingle(HostAhead.Start(settings, _ => null, "/nonexistent-home"));

        var failure = Assert.ThrowsExactly<DeployException>(() => ahead.Take(CancellationToken.None));

        Assert.AreEqual(direct.Code, failure.Code);
        Assert.AreEqual(direct.Message, failure.Message);
        Assert.IsFalse(Directory.Exists(root));
    }

    [TestMethod]
    public void The_local_target_is_not_connected_ahead()
    {
        using var folder = new TempFolder();

        Assert.IsEmpty(HostAhead.Start(EngineDeploy.Deploy(folder.Combine("app"), null), _ => null, "/nonexistent-home"));
    }

    private static DeploySettings Settings(SshServer server, string root, string knownHosts) =>
        EngineDeploy.Deploy(root, null, hosts: [new DeployTarget(server.HostSpec, EngineDeploy.Settings(server, knownHosts: knownHosts))]);
}
