using AtomicDeploy.Core;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Unit;

/// <summary>Jump host chains as <c>ssh -J</c> and ProxyJump build them: the order of hops, each hop resolved through the config, loops refused.</summary>
[TestClass]
public sealed class JumpHostResolutionTests
{
    [TestMethod]
    public void A_comma_list_is_connected_in_order_and_the_first_hop_takes_its_own_ProxyJump()
    {
        using var home = new TempFolder();
        Write(home, """
            Host edge
              HostName edge.example
              ProxyJump gate
            Host gate
              User gatekeeper
              Port 2022
            """);

        var settings = Resolve(home, Request("app.internal") with { JumpHosts = "edge,ops@inner:2200" });

        CollectionAssert.AreEqual(new[] { "gatekeeper@gate:2022", "builder@edge.example:22", "ops@inner:2200" }, settings.JumpHosts.Select(h => h.Host.ToString()).ToArray());
        Assert.IsTrue(settings.JumpHosts.All(h => h.JumpHosts.Count == 0 && h.PinnedFingerprints.Count == 0));
    }

    [TestMethod]
    public void ProxyJump_none_and_an_explicit_none_turn_jumping_off_and_an_explicit_list_wins_over_the_targets_ProxyJump()
    {
        using var home = new TempFolder();
        Write(home, """
            Host direct
              ProxyJump none
            Host !bastion *
              ProxyJump ssh://jumper@bastion:2222
            """);

        Assert.IsEmpty(Resolve(home, Request("direct")).JumpHosts);
        Assert.AreEqual("jumper@bastion:2222", Resolve(home, Request("web1")).JumpHosts.Single().Host.ToString());
        Assert.IsEmpty(Resolve(home, Request("web1") with { JumpHosts = "none" }).JumpHosts);
        CollectionAssert.AreEqual(new[] { "jumper@bastion:2222", "builder@other:22" }, Resolve(home, Request("web1") with { JumpHosts = "other" }).JumpHosts.Select(h => h.Host.ToString()).ToArray(), "the explicit hop wins, and is itself reached through its ProxyJump");
    }

    [TestMethod]
    public void A_ProxyJump_loop_is_refused_with_its_code_naming_the_hops()
    {
        using var home = new TempFolder();
        Write(home, """
            Host a
              ProxyJump b
            Host b
              ProxyJump a
            """);

        var loop = Assert.ThrowsExactly<DeployException>(() => Resolve(home, Request("a")));
        var self = Assert.ThrowsExactly<DeployException>(() => Resolve(home, Request("c") with { JumpHosts = "c" }));

        Assert.AreEqual(ErrorCodes.ProxyJumpLoop, loop.Code);
        StringAssert.Contains(loop.Message, "builder@a:22 -> builder@b:22 -> builder@a:22");
        Assert.AreEqual(ErrorCodes.ProxyJumpLoop, self.Code);
    }

    [TestMethod]
    [DataRow("bastion,")]
    [DataRow("bad host")]
    [DataRow("user@host:99999")]
    public void A_jump_host_that_is_not_user_at_host_port_has_its_own_code(string jumpHosts)
    {
        using var home = new TempFolder();

        var bad = Assert.ThrowsExactly<DeployException>(() => Resolve(home, Request("web1") with { JumpHosts = jumpHosts }));

        Assert.AreEqual(ErrorCodes.JumpHostInvalid, bad.Code, bad.Message);
        StringAssert.Contains(bad.Message, "AtomicDeployJumpHost");
    }

    private static SshConnectionRequest Request(string host) =>
        new(host, null, null, null, ["SHA256:" + new string('A', 43)], null, null, "K", "P", "W", null, null, null);

    private static SshSettings Resolve(TempFolder home, SshConnectionRequest request) =>
        SshConnectionResolver.Resolve(request, home.Path, "builder").Settings;

    private static void Write(TempFolder home, string text)
    {
        Directory.CreateDirectory(home.Combine(".ssh"));
        File.WriteAllText(home.Combine(".ssh", "config"), text);
    }
}
