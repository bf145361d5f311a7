using AtomicDeploy.Core;
using AtomicDeploy.Core.Planning;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class HostAddressTests
{
    [TestMethod]
    [DataRow("example.com", "deploy", "example.com", 22)]
    [DataRow("example.com:2222", "deploy", "example.com", 2222)]
    [DataRow("alice@example.com", "alice", "example.com", 22)]
    [DataRow("alice@example.com:2222", "alice", "example.com", 2222)]
    [DataRow("192.0.2.10:65535", "deploy", "192.0.2.10", 65535)]
    [DataRow("[::1]:2222", "deploy", "::1", 2222)]
    [DataRow("[2001:db8::1]", "deploy", "2001:db8::1", 22)]
    [DataRow("root@[2001:db8::1]:1", "root", "2001:db8::1", 1)]
    [DataRow("  web1.example.com  ", "deploy", "web1.example.com", 22)]
    [DataRow("svc_deploy.1-a@host", "svc_deploy.1-a", "host", 22)]
    public void A_host_string_is_parsed_into_user_host_and_port(string text, string user, string host, int port)
    {
        var address = HostAddress.Parse(text, "deploy", 22);

        Assert.AreEqual(new HostAddress(user, host, port), address);
    }

    [TestMethod]
    public void The_default_user_and_port_fill_what_the_host_string_does_not_name()
    {
        Assert.AreEqual(new HostAddress("ci", "example.com", 2200), HostAddress.Parse("example.com", "ci", 2200));
        Assert.AreEqual(new HostAddress("ci", "example.com", 22), HostAddress.Parse("example.com:22", "ci", 2200));
    }

    [TestMethod]
    [DataRow("", DisplayName = "empty")]
    [DataRow("   ", DisplayName = "blank")]
    [DataRow(":22")]
    [DataRow("alice@")]
    [DataRow("alice@:22")]
    [DataRow("[]:22")]
    [DataRow("::1")]
    [DataRow("2001:db8::1")]
    [DataRow("2001:db8::1:22")]
    [DataRow("[::1")]
    [DataRow("[::1]2222")]
    [DataRow("[::1]:")]
    [DataRow("example.com:")]
    [DataRow("example.com:0")]
    [DataRow("example.com:65536")]
    [DataRow("example.com:-1")]
    [DataRow("example.com:+22")]
    [DataRow("example.com: 22")]
    [DataRow("example.com:22x")]
    [DataRow("example.com:ssh")]
    [DataRow("example.com:99999999999")]
    [DataRow("@example.com")]
    [DataRow("-oProxyCommand=id@example.com")]
    [DataRow("al ice@example.com")]
    [DataRow("al;ice@example.com")]
    [DataRow("a@b@example.com")]
    [DataRow("exa mple.com")]
    [DataRow("example.com;reboot")]
    [DataRow("$(reboot)")]
    [DataRow("`reboot`")]
    [DataRow("'example.com'")]
    [DataRow("\"example.com\"")]
    [DataRow("example.com/x")]
    [DataRow("exa\tmple.com")]
    [DataRow("example.com\nevil")]
    [DataRow("*.example.com")]
    [DataRow("web?.example.com")]
    [DataRow("!example.com")]
    [DataRow("example.com,evil.example.com")]
    [DataRow("deploy@web*:2222")]
    [DataRow("[web*]:2222")]
    [DataRow("|1|c2FsdA==|aGFzaA==")]
    [DataRow("example.com#comment")]
    [DataRow("-example.com")]
    [DataRow("exa\\mple.com")]
    public void A_host_string_that_cannot_be_a_host_is_refused(string text)
    {
        var error = Assert.ThrowsExactly<DeployException>(() => HostAddress.Parse(text, "deploy", 22));

        Assert.AreEqual(ErrorCodes.HostInvalid, error.Code);
        Assert.Contains("AtomicDeployHost", error.Message);
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(65536)]
    public void A_default_port_out_of_range_is_refused(int port)
    {
        var error = Assert.ThrowsExactly<DeployException>(() => HostAddress.Parse("example.com", "deploy", port));

        Assert.AreEqual(ErrorCodes.HostInvalid, error.Code);
    }

    [TestMethod]
    [DataRow("example.com", "example.com")]
    [DataRow("example.com:22", "example.com")]
    [DataRow("example.com:2222", "[example.com]:2222")]
    [DataRow("127.0.0.1:2222", "[127.0.0.1]:2222")]
    [DataRow("[::1]:2222", "[::1]:2222")]
    [DataRow("[2001:db8::1]", "2001:db8::1")]
    public void The_known_hosts_name_is_bare_on_port_22_and_bracketed_with_the_port_otherwise(string text, string knownHostsName)
    {
        Assert.AreEqual(knownHostsName, HostAddress.Parse(text, "deploy", 22).KnownHostsName);
    }

    [TestMethod]
    [DataRow("example.com", "deploy@example.com:22")]
    [DataRow("alice@[::1]:2222", "alice@[::1]:2222")]
    public void An_address_prints_as_user_host_and_port(string text, string printed)
    {
        Assert.AreEqual(printed, HostAddress.Parse(text, "deploy", 22).ToString());
    }
}
