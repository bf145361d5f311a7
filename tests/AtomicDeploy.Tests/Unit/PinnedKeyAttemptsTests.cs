using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Unit;

/// <summary>Which host key algorithms each connection attempt offers, with and without pins.</summary>
[TestClass]
public sealed class PinnedKeyAttemptsTests
{
    private static readonly string[] Offered =
    [
        "ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa",
    ];

    [TestMethod]
    public void With_pins_each_key_type_is_its_own_attempt_and_rsa_keeps_its_signature_algorithms_together()
    {
        var check = new HostKeyCheck(new HostAddress("deploy", "web1", 22), "/nonexistent", ["SHA256:" + new string('A', 43)], HostKeyPolicy.Strict);

        var attempts = check.AlgorithmAttempts(Offered);

        Assert.HasCount(4, attempts);
        CollectionAssert.AreEqual(new[] { "ssh-ed25519" }, attempts[0].ToArray());
        CollectionAssert.AreEqual(new[] { "ecdsa-sha2-nistp256" }, attempts[1].ToArray());
        CollectionAssert.AreEqual(new[] { "ecdsa-sha2-nistp384" }, attempts[2].ToArray());
        CollectionAssert.AreEqual(new[] { "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa" }, attempts[3].ToArray());
    }

    [TestMethod]
    public void Without_pins_there_is_one_attempt_offering_every_type()
    {
        var check = new HostKeyCheck(new HostAddress("deploy", "web1", 22), "/nonexistent", [], HostKeyPolicy.Strict);

        var attempts = check.AlgorithmAttempts(Offered);

        Assert.HasCount(1, attempts);
        Assert.HasCount(6, attempts[0], "certificates are never offered");
    }

    [TestMethod]
    public void A_refused_pin_is_remembered_across_attempts_and_lists_every_key_seen()
    {
        var check = new HostKeyCheck(new HostAddress("deploy", "web1", 22), "/nonexistent", ["SHA256:" + new string('A', 43)], HostKeyPolicy.Strict);
        byte[] ed25519 = [0, 0, 0, 11, .. "ssh-ed25519"u8.ToArray(), 1];
        byte[] rsa = [0, 0, 0, 7, .. "ssh-rsa"u8.ToArray(), 2];

        check.BeginAttempt();
        Assert.IsFalse(check.Trust(ed25519));
        check.BeginAttempt();
        Assert.IsFalse(check.PinMissed);
        Assert.IsFalse(check.Trust(rsa));

        StringAssert.Contains(check.PinRefusal!.Message, $"ssh-ed25519 {HostKeyCheck.Fingerprint(ed25519)}, ssh-rsa {HostKeyCheck.Fingerprint(rsa)}, none of them among the fingerprints pinned");
    }
}
