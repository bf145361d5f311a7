using AtomicDeploy.Core;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// A target sshd that listens only inside a network namespace, and a bastion sshd beside it whose
/// port alone is bridged out to the tests' 127.0.0.1: the target is reached only through the
/// bastion, each hop's key verified. Needs root (network namespaces), as CI runs the tests.
/// </summary>
[TestClass]
public sealed class JumpHostDeploys
{
    private static HiddenNetwork? s_network;
    private static SshServer? s_target;
    private static SshServer? s_bastion;
    private static TempFolder? s_client;
    private static int s_bastionPort;

    [ClassInitialize]
    public static void StartServers(TestContext context)
    {
        if (Environment.UserName != "root")
        {
            return;
        }

        s_network = new HiddenNetwork();
        s_target = SshServer.StartInside(s_network, forwarding: false);
        s_bastion = SshServer.StartInside(s_network, forwarding: true);
        s_bastion.Authorize(s_target);
        s_bastionPort = s_network.Bridge(s_bastion.Port);
        s_client = new TempFolder("atomicdeploy-jump-client-");
        File.WriteAllText(KnownHosts, $"""
            [127.0.0.1]:{s_bastionPort} {s_bastion.HostKeyType} {s_bastion.HostKeyBase64}
            [127.0.0.1]:{s_target.Port} {s_target.HostKeyType} {s_target.HostKeyBase64}

            """);
    }

    [ClassCleanup]
    public static void StopServers()
    {
        s_target?.Dispose();
        s_bastion?.Dispose();
        s_network?.Dispose();
        s_client?.Dispose();
    }

    private static string KnownHosts => s_client!.Combine("known_hosts");

    private static string TargetEntry => $"{s_target!.User}@127.0.0.1:{s_target.Port}";

    private static string BastionEntry => $"{s_bastion!.User}@127.0.0.1:{s_bastionPort}";

    [TestInitialize]
    public void NeedsRoot()
    {
        if (s_network is null)
        {
            Assert.Inconclusive("The hidden target needs a network namespace: run the tests as root (CI does).");
        }
    }

    [TestMethod]
    public void The_target_is_not_reachable_without_the_jump_host()
    {
        var direct = Assert.ThrowsExactly<DeployException>(() => Connect(Request(TargetEntry) with { ConnectTimeout = TimeSpan.FromSeconds(3) }));

        Assert.AreEqual(ErrorCodes.Unreachable, direct.Code, direct.Message);
    }

    [TestMethod]
    public void A_deploy_through_AtomicDeployJumpHost()
    {
        var root = s_target!.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");

        var release = EngineDeploy.Deploy(Connect(Request(TargetEntry) with { JumpHosts = BastionEntry }), root, source.Path);

        Assert.AreEqual($"releases/{release}", new RemoteTree(root).CurrentLink);
        Assert.IsGreaterThanOrEqualTo(1, s_bastion!.AcceptedLogins);
    }

    [TestMethod]
    public void A_fleet_behind_one_bastion_goes_through_one_connection_to_it()
    {
        using var common = new TempFolder("atomicdeploy-jump-fleet-");
        using var web1 = SshServer.StartInside(s_network!, forwarding: false, ownDiskAt: common.Path);
        using var web2 = SshServer.StartInside(s_network!, forwarding: false, ownDiskAt: common.Path);
        web1.Authorize(s_target!);
        web2.Authorize(s_target!);
        var knownHosts = s_client!.Combine("fleet_known_hosts");
        File.WriteAllText(knownHosts, File.ReadAllText(KnownHosts) + string.Join('\n', new[] { web1, web2 }.Select(s => $"[127.0.0.1]:{s.Port} {s.HostKeyType} {s.HostKeyBase64}")) + "\n");
        var bastionLogins = s_bastion!.AcceptedLogins;
        using var source = new SourceFolder().Write("app.dll", "v1");

        var hosts = new[] { web1, web2 }.Select(s => new AtomicDeploy.Core.Engine.DeployTarget($"{s.User}@127.0.0.1:{s.Port}", null)).ToArray();
        var settings = EngineDeploy.Deploy(common.Path + "/app", source.Path, hosts: hosts, timeout: CheckedDeploy.Timeout, lockWait: TimeSpan.FromSeconds(10));
        using (var deployment = AtomicDeploy.Core.Engine.Deployment.Open(settings, new RecordingLog(), t => Connect(Request(t.Name) with { JumpHosts = BastionEntry, KnownHostsFile = knownHosts })))
        {
            deployment.Run(DateTime.UtcNow, CancellationToken.None);
        }

        Assert.AreEqual("v1", File.ReadAllText(web1.Disk + "/app/current/app.dll"));
        Assert.AreEqual("v1", File.ReadAllText(web2.Disk + "/app/current/app.dll"));
        Assert.AreEqual(bastionLogins + 1, s_bastion.AcceptedLogins, "both hosts went through one login on the bastion");
    }

    [TestMethod]
    public void Dotnet_publish_deploys_through_AtomicDeployJumpHost_and_logs_the_route()
    {
        var root = s_target!.NewDeployFolder();
        using var app = new WebApp();

        var result = app.PublishWith(new Dictionary<string, string?>(), "-v:n", "-p:AtomicDeploy=true", $"-p:AtomicDeployHost={TargetEntry}", $"-p:AtomicDeployJumpHost={BastionEntry}", $"-p:AtomicDeployPath={root}",
            $"-p:AtomicDeployPrivateKeyFile={s_target.ClientKeyFile}", $"-p:AtomicDeployKnownHostsFile={KnownHosts}", "-p:AtomicDeploySshConfigFile=none");

        Assert.AreEqual(0, result.ExitCode, result.All);
        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{tree.Releases.Single()}", tree.CurrentLink);
        StringAssert.Contains(result.All, $"Reaching {TargetEntry} as {TargetEntry} through {BastionEntry}.");
    }

    [TestMethod]
    public void A_deploy_through_a_ProxyJump_of_the_ssh_config_naming_only_aliases()
    {
        var config = s_client!.Combine("ssh_config_proxyjump");
        File.WriteAllText(config, $"""
            Host shop
              HostName 127.0.0.1
              Port {s_target!.Port}
              ProxyJump bastion
            Host bastion
              HostName 127.0.0.1
              Port {s_bastionPort}
            Host *
              User {s_target.User}
            """);
        var root = s_target.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");

        var resolution = SshConnectionResolver.Resolve(Request("shop") with { ConfigFile = config }, "/nonexistent-home", "builder");
        var release = EngineDeploy.Deploy(SshShell.Connect(resolution.Settings, _ => null, "/nonexistent-home", CancellationToken.None), root, source.Path);

        Assert.AreEqual($"releases/{release}", new RemoteTree(root).CurrentLink);
        StringAssert.Contains(resolution.Summary, $"through {BastionEntry}");
    }

    [TestMethod]
    public void A_wrong_key_for_the_bastion_is_refused_with_its_code_and_nothing_reaches_the_target()
    {
        var wrong = s_client!.Combine("wrong_known_hosts");
        File.WriteAllText(wrong, $"[127.0.0.1]:{s_bastionPort} {s_target!.HostKeyType} {s_target.HostKeyBase64}\n[127.0.0.1]:{s_target.Port} {s_target.HostKeyType} {s_target.HostKeyBase64}\n");
        var root = s_target.NewDeployFolder();
        var loginsBefore = s_target.AcceptedLogins;

        var refused = Assert.ThrowsExactly<DeployException>(() => Connect(Request(TargetEntry) with { JumpHosts = BastionEntry, KnownHostsFile = wrong }));

        Assert.AreEqual(ErrorCodes.JumpHostKeyRefused, refused.Code, refused.Message);
        StringAssert.Contains(refused.Message, $"jump host {BastionEntry}");
        Assert.IsFalse(Directory.Exists(root), "nothing was deployed");
        Assert.AreEqual(loginsBefore, s_target.AcceptedLogins, "the target saw no login");
    }

    [TestMethod]
    public void An_unreachable_jump_host_has_its_own_code_naming_it()
    {
        var nowhere = $"{s_target!.User}@127.0.0.1:{Loopback.FreePort()}";

        var refused = Assert.ThrowsExactly<DeployException>(() => Connect(Request(TargetEntry) with { JumpHosts = nowhere, ConnectTimeout = TimeSpan.FromSeconds(3) }));

        Assert.AreEqual(ErrorCodes.JumpHostUnreachable, refused.Code, refused.Message);
        StringAssert.Contains(refused.Message, nowhere);
    }

    [TestMethod]
    public void An_alias_that_the_config_does_not_define_and_that_does_not_resolve_has_its_own_code_for_the_target_and_a_hop()
    {
        // A label longer than 63 characters fails in the resolver itself: no DNS query leaves the machine.
        var unknown = new string('x', 64) + ".example";
        var config = s_client!.Combine("ssh_config_no_alias");
        File.WriteAllText(config, "Host shop\n  HostName 127.0.0.1\n");

        var target = Assert.ThrowsExactly<DeployException>(() => Connect(Request(unknown) with { ConfigFile = config }));
        var hop = Assert.ThrowsExactly<DeployException>(() => Connect(Request(TargetEntry) with { JumpHosts = unknown }));

        Assert.AreEqual(ErrorCodes.HostNameUnresolved, target.Code, target.Message);
        StringAssert.Contains(target.Message, config);
        Assert.AreEqual(ErrorCodes.HostNameUnresolved, hop.Code, hop.Message);
        StringAssert.Contains(hop.Message, $"On the jump host builder@{unknown}:22");
    }

    private static SshConnectionRequest Request(string host) =>
        new(host, null, null, KnownHosts, [], null, s_target!.ClientKeyFile, "ATOMICDEPLOY_TEST_UNSET_KEY", "ATOMICDEPLOY_TEST_UNSET_PASSPHRASE", "ATOMICDEPLOY_TEST_UNSET_PASSWORD", TimeSpan.FromSeconds(10), false, "none");

    private static SshShell Connect(SshConnectionRequest request) =>
        SshShell.Connect(SshConnectionResolver.Resolve(request, "/nonexistent-home", "builder").Settings, _ => null, "/nonexistent-home", CancellationToken.None);
}
