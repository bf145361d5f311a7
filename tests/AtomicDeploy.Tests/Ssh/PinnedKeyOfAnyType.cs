using AtomicDeploy.Core;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>A server with rsa, ecdsa and ed25519 host keys: a pin of any one of them is honoured, a wrong pin still refused.</summary>
[TestClass]
public sealed class PinnedKeyOfAnyType
{
    private static SshServer? _server;

    private static SshServer Server => _server ??= SshServer.StartWithHostKeys("rsa", "ecdsa");

    [ClassCleanup]
    public static void StopServer() => _server?.Dispose();

    [TestMethod]
    [DataRow("rsa")]
    [DataRow("ecdsa")]
    [DataRow("ed25519")]
    public void A_deploy_pinning_only_one_key_type_of_the_server_succeeds(string type)
    {
        var root = Server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var settings = EngineDeploy.Settings(Server, knownHosts: "/nonexistent/known_hosts", pinned: [Server.HostKeyFingerprint(type)]);

        var release = EngineDeploy.Deploy(EngineDeploy.Connect(settings), root, source.Path);

        Assert.AreEqual($"releases/{release}", new RemoteTree(root).CurrentLink);
    }

    [TestMethod]
    public void A_pin_of_none_of_its_keys_is_still_AD0103_listing_every_key_it_showed()
    {
        var wrong = "SHA256:" + new string('A', 43);
        var settings = EngineDeploy.Settings(Server, knownHosts: "/nonexistent/known_hosts", pinned: [wrong]);

        var refused = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Connect(settings).Dispose());

        Assert.AreEqual(ErrorCodes.HostKeyChanged, refused.Code);
        foreach (var type in new[] { "rsa", "ecdsa", "ed25519" })
        {
            StringAssert.Contains(refused.Message, Server.HostKeyFingerprint(type));
        }

        StringAssert.Contains(refused.Message, "someone may be between you and the server");
    }
}
