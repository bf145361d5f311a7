using System.Security.Cryptography;
using System.Text;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>The server's host key is verified before anything is sent; a refusal changes nothing.</summary>
[TestClass]
public sealed class HostKeyAndCredentialChecks
{
    [TestMethod]
    public void An_unknown_host_key_is_refused_with_its_fingerprint_and_nothing_is_created()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var folder = new TempFolder();
        var emptyKnownHosts = folder.Combine("known_hosts");
        File.WriteAllText(emptyKnownHosts, string.Empty);

        var failure = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Connect(EngineDeploy.Settings(server, knownHosts: emptyKnownHosts)));

        Assert.AreEqual(ErrorCodes.HostKeyUnknown, failure.Code);
        StringAssert.Contains(failure.Message, ServerFingerprint(server));
        StringAssert.Contains(failure.Message, $"[127.0.0.1]:{server.Port} ssh-ed25519 {server.HostKeyBase64}");
        Assert.IsFalse(Directory.Exists(root));
    }

    [TestMethod]
    public void A_changed_host_key_is_refused()
    {
        var server = SharedServer.Instance;
        using var folder = new TempFolder();
        var otherKey = folder.Combine("other");
        ProcessRunner.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherKey);
        var knownHosts = folder.Combine("known_hosts");
        File.WriteAllText(knownHosts, $"[127.0.0.1]:{server.Port} {string.Join(' ', File.ReadAllText(otherKey + ".pub").Split(' ').Take(2))}\n");

        var failure = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Connect(EngineDeploy.Settings(server, knownHosts: knownHosts)));

        Assert.AreEqual(ErrorCodes.HostKeyChanged, failure.Code);
        StringAssert.Contains(failure.Message, ServerFingerprint(server));
    }

    [TestMethod]
    public void A_pinned_fingerprint_is_enough_without_known_hosts_and_a_wrong_pin_is_refused()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "pinned");

        using (var shell = EngineDeploy.Connect(EngineDeploy.Settings(server, knownHosts: "/nonexistent/known_hosts", pinned: [ServerFingerprint(server)])))
        {
            EngineDeploy.Deploy(shell, root, source.Path);
        }

        Assert.AreEqual("pinned", new RemoteTree(root).CurrentFile("app.dll"));
        var wrongPin = "SHA256:" + new string('A', 43);
        var failure = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Connect(EngineDeploy.Settings(server, pinned: [wrongPin])));
        Assert.AreEqual(ErrorCodes.HostKeyChanged, failure.Code);
    }

    [TestMethod]
    public void A_hashed_known_hosts_entry_is_trusted()
    {
        var server = SharedServer.Instance;
        using var folder = new TempFolder();
        var salt = RandomNumberGenerator.GetBytes(20);
#pragma warning disable CA5350 // OpenSSH's hashed known_hosts format is HMAC-SHA1.
        var hash = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes($"[127.0.0.1]:{server.Port}"));
#pragma warning restore CA5350
        var knownHosts = folder.Combine("known_hosts");
        File.WriteAllText(knownHosts, $"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(hash)} {server.HostKeyType} {server.HostKeyBase64}\n");

        using var shell = EngineDeploy.Connect(EngineDeploy.Settings(server, knownHosts: knownHosts));

        Assert.AreEqual("ok\n", shell.Run("echo ok", null, TimeSpan.FromSeconds(10), CancellationToken.None).Output);
    }

    [TestMethod]
    public void A_revoked_key_is_refused_for_the_host_its_line_names_and_only_there()
    {
        var server = SharedServer.Instance;
        using var folder = new TempFolder();
        var knownHosts = folder.Combine("known_hosts");
        var trusted = $"[127.0.0.1]:{server.Port} {server.HostKeyType} {server.HostKeyBase64}\n";
        File.WriteAllText(knownHosts, trusted + $"@revoked [127.0.0.1]:{server.Port} {server.HostKeyType} {server.HostKeyBase64}\n");

        var failure = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Connect(EngineDeploy.Settings(server, knownHosts: knownHosts, policy: HostKeyPolicy.AcceptNew)));

        Assert.AreEqual(ErrorCodes.HostKeyRevoked, failure.Code);
        StringAssert.Contains(failure.Message, ServerFingerprint(server));
        File.WriteAllText(knownHosts, trusted + $"@revoked old.example.com {server.HostKeyType} {server.HostKeyBase64}\n");
        using var shell = EngineDeploy.Connect(EngineDeploy.Settings(server, knownHosts: knownHosts));
        Assert.AreEqual(0, shell.Run("true", null, TimeSpan.FromSeconds(10), CancellationToken.None).ExitCode);
    }

    [TestMethod]
    public void A_host_known_only_through_a_cert_authority_is_reported_as_unsupported_even_with_AcceptNew()
    {
        var server = SharedServer.Instance;
        using var folder = new TempFolder();
        var knownHosts = folder.Combine("known_hosts");
        var caLine = $"@cert-authority [127.0.0.1]:* {server.HostKeyType} {server.HostKeyBase64}\n";
        File.WriteAllText(knownHosts, caLine);

        var failure = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Connect(EngineDeploy.Settings(server, knownHosts: knownHosts, policy: HostKeyPolicy.AcceptNew)));

        Assert.AreEqual(ErrorCodes.HostKeyCertificateUnsupported, failure.Code);
        StringAssert.Contains(failure.Message, ServerFingerprint(server));
        StringAssert.Contains(failure.Message, $"[127.0.0.1]:{server.Port} ssh-ed25519 {server.HostKeyBase64}");
        Assert.AreEqual(caLine, File.ReadAllText(knownHosts), "nothing was recorded");
    }

    [TestMethod]
    public void A_server_that_accepts_the_connection_and_never_answers_times_out_as_unreachable()
    {
        var server = SharedServer.Instance;
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var settings = EngineDeploy.Settings(server) with { Host = new(server.User, "127.0.0.1", port), ConnectTimeout = TimeSpan.FromSeconds(2) };

        var failure = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Connect(settings));

        Assert.AreEqual(ErrorCodes.Unreachable, failure.Code);
        StringAssert.Contains(failure.Message, "within 2 s");
    }

    [TestMethod]
    public void A_closed_port_is_reported_as_unreachable()
    {
        var server = SharedServer.Instance;
        var settings = EngineDeploy.Settings(server) with { Host = new(server.User, "127.0.0.1", 1) };

        var failure = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Connect(settings));

        Assert.AreEqual(ErrorCodes.Unreachable, failure.Code);
    }

    [TestMethod]
    public void AcceptNew_records_a_first_seen_host_and_trusts_it_next_time()
    {
        var server = SharedServer.Instance;
        using var folder = new TempFolder();
        var knownHosts = folder.Combine("ssh", "known_hosts");

        using (var shell = EngineDeploy.Connect(EngineDeploy.Settings(server, knownHosts: knownHosts, policy: HostKeyPolicy.AcceptNew)))
        {
            Assert.AreEqual(0, shell.Run("true", null, TimeSpan.FromSeconds(10), CancellationToken.None).ExitCode);
        }

        Assert.AreEqual($"[127.0.0.1]:{server.Port} ssh-ed25519 {server.HostKeyBase64}\n", File.ReadAllText(knownHosts));
        using var strict = EngineDeploy.Connect(EngineDeploy.Settings(server, knownHosts: knownHosts));
        Assert.AreEqual(0, strict.Run("true", null, TimeSpan.FromSeconds(10), CancellationToken.None).ExitCode);
    }

    [TestMethod]
    public void AcceptNew_still_refuses_a_known_host_offering_a_key_of_another_type()
    {
        var server = SharedServer.Instance;
        using var folder = new TempFolder();
        var rsaKey = folder.Combine("rsa");
        ProcessRunner.Check("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", rsaKey);
        var knownHosts = folder.Combine("known_hosts");
        var recorded = $"[127.0.0.1]:{server.Port} {string.Join(' ', File.ReadAllText(rsaKey + ".pub").Split(' ').Take(2))}\n";
        File.WriteAllText(knownHosts, recorded);

        var failure = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Connect(EngineDeploy.Settings(server, knownHosts: knownHosts, policy: HostKeyPolicy.AcceptNew)));

        Assert.AreEqual(ErrorCodes.HostKeyChanged, failure.Code);
        Assert.AreEqual(recorded, File.ReadAllText(knownHosts), "nothing was recorded");
    }

    private static string ServerFingerprint(SshServer server) =>
        HostKeyCheck.Fingerprint(Convert.FromBase64String(server.HostKeyBase64));
}
