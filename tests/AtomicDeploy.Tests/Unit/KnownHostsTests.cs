using System.Security.Cryptography;
using System.Text;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class KnownHostsTests
{
    private const string Ed25519 = "ssh-ed25519";
    private const string Ecdsa = "ecdsa-sha2-nistp256";
    private const string Rsa = "ssh-rsa";

    private static readonly byte[] ServerKey = Blob(Ed25519, 1);
    private static readonly byte[] OtherKey = Blob(Ed25519, 2);
    private static readonly byte[] ServerEcdsaKey = Blob(Ecdsa, 3);
    private static readonly byte[] ServerRsaKey = Blob(Rsa, 4);

    [TestMethod]
    public void A_plain_entry_trusts_its_key_for_its_host()
    {
        var knownHosts = KnownHosts.Parse(Line("example.com", Ed25519, ServerKey));

        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("example.com", Ed25519, ServerKey));
        Assert.AreEqual(HostKeyVerdict.Unknown, knownHosts.Verify("other.example.com", Ed25519, ServerKey));
    }

    [TestMethod]
    public void Host_names_match_without_regard_to_case()
    {
        var knownHosts = KnownHosts.Parse(Line("Example.COM", Ed25519, ServerKey));

        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("example.com", Ed25519, ServerKey));
        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("EXAMPLE.com", Ed25519, ServerKey));
    }

    [TestMethod]
    public void Each_name_of_a_comma_separated_list_matches()
    {
        var knownHosts = KnownHosts.Parse(Line("example.com,192.0.2.10,[example.com]:2222", Ed25519, ServerKey));

        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("example.com", Ed25519, ServerKey));
        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("192.0.2.10", Ed25519, ServerKey));
        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("[example.com]:2222", Ed25519, ServerKey));
    }

    [TestMethod]
    public void A_bracketed_entry_matches_only_its_port()
    {
        var knownHosts = KnownHosts.Parse(Line("[127.0.0.1]:2222", Ed25519, ServerKey));

        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("[127.0.0.1]:2222", Ed25519, ServerKey));
        Assert.AreEqual(HostKeyVerdict.Unknown, knownHosts.Verify("127.0.0.1", Ed25519, ServerKey));
        Assert.AreEqual(HostKeyVerdict.Unknown, knownHosts.Verify("[127.0.0.1]:2223", Ed25519, ServerKey));
    }

    [TestMethod]
    public void A_hashed_entry_matches_the_host_it_was_hashed_from()
    {
        var knownHosts = KnownHosts.Parse(Line(Hashed("[127.0.0.1]:2222"), Ed25519, ServerKey));

        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("[127.0.0.1]:2222", Ed25519, ServerKey));
        Assert.AreEqual(HostKeyVerdict.Unknown, knownHosts.Verify("[127.0.0.1]:2223", Ed25519, ServerKey));
        Assert.AreEqual(HostKeyVerdict.Unknown, knownHosts.Verify("127.0.0.1", Ed25519, ServerKey));
    }

    [TestMethod]
    public void A_hashed_entry_reports_a_changed_key()
    {
        var knownHosts = KnownHosts.Parse(Line(Hashed("[127.0.0.1]:2222"), Ed25519, ServerKey));

        Assert.AreEqual(HostKeyVerdict.Changed, knownHosts.Verify("[127.0.0.1]:2222", Ed25519, OtherKey));
    }

    [TestMethod]
    [DataRow("|1|not base64!|AAAA")]
    [DataRow("|1|AAAA")]
    [DataRow("|1|||")]
    public void A_malformed_hashed_entry_matches_nothing(string patterns)
    {
        Assert.IsFalse(KnownHosts.Matches(patterns, "[127.0.0.1]:2222"));
    }

    [TestMethod]
    [DataRow("*.example.com", "web1.example.com", true)]
    [DataRow("*.example.com", "a.b.example.com", true)]
    [DataRow("*.example.com", "example.com", false)]
    [DataRow("web?.example.com", "web1.example.com", true)]
    [DataRow("web?.example.com", "web10.example.com", false)]
    [DataRow("*", "anything", true)]
    [DataRow("192.0.2.*", "192.0.2.77", true)]
    [DataRow("192.0.2.*", "192.0.3.77", false)]
    [DataRow("*.example.com,!db.example.com", "web.example.com", true)]
    [DataRow("*.example.com,!db.example.com", "db.example.com", false)]
    [DataRow("!db.example.com,*.example.com", "db.example.com", false)]
    [DataRow("!db.example.com", "web.example.com", false)]
    [DataRow("[*]:2222", "[web.example.com]:2222", true)]
    [DataRow("[*]:2222", "[web.example.com]:22", false)]
    [DataRow("example.com", "example.co", false)]
    [DataRow("example.co", "example.com", false)]
    public void Wildcard_and_negated_patterns_match_as_in_OpenSSH(string patterns, string hostName, bool matches)
    {
        Assert.AreEqual(matches, KnownHosts.Matches(patterns, hostName));
    }

    [TestMethod]
    public void A_negated_pattern_keeps_its_host_unknown_while_others_are_trusted()
    {
        var knownHosts = KnownHosts.Parse(Line("*.example.com,!db.example.com", Ed25519, ServerKey));

        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("web.example.com", Ed25519, ServerKey));
        Assert.AreEqual(HostKeyVerdict.Unknown, knownHosts.Verify("db.example.com", Ed25519, ServerKey));
    }

    [TestMethod]
    public void Every_key_recorded_for_a_host_is_trusted()
    {
        var knownHosts = KnownHosts.Parse(string.Join('\n',
            Line("example.com", Ed25519, ServerKey),
            Line("example.com", Ecdsa, ServerEcdsaKey),
            Line("example.com", Rsa, ServerRsaKey),
            Line("example.com", Ed25519, OtherKey)));

        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("example.com", Ed25519, ServerKey));
        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("example.com", Ed25519, OtherKey));
        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("example.com", Ecdsa, ServerEcdsaKey));
        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("example.com", Rsa, ServerRsaKey));
        CollectionAssert.AreEquivalent(new[] { Ed25519, Ecdsa, Rsa }, knownHosts.KeyTypesFor("example.com").ToArray());
    }

    [TestMethod]
    public void Another_key_of_a_recorded_type_is_reported_as_changed()
    {
        var knownHosts = KnownHosts.Parse(Line("example.com", Ed25519, ServerKey));

        Assert.AreEqual(HostKeyVerdict.Changed, knownHosts.Verify("example.com", Ed25519, OtherKey));
    }

    [TestMethod]
    public void A_key_of_a_type_not_recorded_for_a_known_host_is_a_changed_key()
    {
        var knownHosts = KnownHosts.Parse(Line("example.com", Ecdsa, ServerEcdsaKey));

        Assert.AreEqual(HostKeyVerdict.Changed, knownHosts.Verify("example.com", Ed25519, ServerKey), "a stranger must not get in by offering another key type");
    }

    [TestMethod]
    public void A_host_with_no_entry_is_unknown()
    {
        Assert.AreEqual(HostKeyVerdict.Unknown, KnownHosts.Parse(string.Empty).Verify("example.com", Ed25519, ServerKey));
        Assert.AreEqual(HostKeyVerdict.Unknown, KnownHosts.Parse(Line("example.org", Ed25519, OtherKey)).Verify("example.com", Ed25519, ServerKey));
        Assert.IsEmpty(KnownHosts.Parse(Line("example.org", Ed25519, OtherKey)).KeyTypesFor("example.com"));
    }

    [TestMethod]
    public void A_revoked_key_is_refused_even_when_it_is_also_recorded_as_trusted()
    {
        var knownHosts = KnownHosts.Parse(string.Join('\n',
            Line("example.com", Ed25519, ServerKey),
            "@revoked " + Line("example.com", Ed25519, ServerKey)));

        Assert.AreEqual(HostKeyVerdict.Revoked, knownHosts.Verify("example.com", Ed25519, ServerKey));
    }

    [TestMethod]
    public void A_revoked_key_is_not_a_key_type_recorded_for_the_host()
    {
        var knownHosts = KnownHosts.Parse(string.Join('\n',
            "@revoked " + Line("example.com", Ed25519, ServerKey),
            Line("example.com", Ecdsa, ServerEcdsaKey)));

        CollectionAssert.AreEqual(new[] { Ecdsa }, knownHosts.KeyTypesFor("example.com").ToArray());
        Assert.AreEqual(HostKeyVerdict.Changed, knownHosts.Verify("example.com", Ed25519, OtherKey));
    }

    [TestMethod]
    public void A_cert_authority_line_does_not_trust_the_key_itself_and_is_reported_for_the_hosts_it_matches()
    {
        var knownHosts = KnownHosts.Parse("@cert-authority " + Line("*.example.com", Ed25519, ServerKey));

        Assert.AreEqual(HostKeyVerdict.CertificateAuthorityOnly, knownHosts.Verify("web.example.com", Ed25519, ServerKey));
        Assert.AreEqual(HostKeyVerdict.Unknown, knownHosts.Verify("example.org", Ed25519, ServerKey));
        Assert.IsEmpty(knownHosts.KeyTypesFor("web.example.com"));
    }

    [TestMethod]
    public void A_plain_entry_beside_a_cert_authority_line_decides()
    {
        var knownHosts = KnownHosts.Parse(string.Join('\n',
            "@cert-authority " + Line("*.example.com", Ed25519, OtherKey),
            Line("web.example.com", Ed25519, ServerKey)));

        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("web.example.com", Ed25519, ServerKey));
        Assert.AreEqual(HostKeyVerdict.Changed, knownHosts.Verify("web.example.com", Ed25519, Blob(Ed25519, 9)));
    }

    [TestMethod]
    public void A_revoked_line_applies_only_to_the_hosts_its_patterns_match()
    {
        var knownHosts = KnownHosts.Parse(string.Join('\n',
            "@revoked " + Line("old.example.com", Ed25519, ServerKey),
            Line("web.example.com", Ed25519, ServerKey),
            "@revoked " + Line("*.example.net,!safe.example.net", Ed25519, OtherKey)));

        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("web.example.com", Ed25519, ServerKey));
        Assert.AreEqual(HostKeyVerdict.Revoked, knownHosts.Verify("old.example.com", Ed25519, ServerKey));
        Assert.AreEqual(HostKeyVerdict.Revoked, knownHosts.Verify("a.example.net", Ed25519, OtherKey));
        Assert.AreEqual(HostKeyVerdict.Unknown, knownHosts.Verify("safe.example.net", Ed25519, OtherKey));
    }

    [TestMethod]
    public void Comments_blank_and_malformed_lines_are_skipped_and_the_rest_still_read()
    {
        var text = string.Join('\n',
            "# a comment naming example.com ssh-ed25519 " + Convert.ToBase64String(OtherKey),
            string.Empty,
            "   ",
            "example.com",
            "example.com ssh-ed25519",
            "example.com ssh-ed25519 !!!not-base64!!!",
            "@revoked",
            "@revoked example.com ssh-ed25519",
            "   " + Line("example.com", Ed25519, ServerKey) + " user@laptop   \r",
            Line("example.net", Ed25519, OtherKey) + "\r");

        var knownHosts = KnownHosts.Parse(text);

        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("example.com", Ed25519, ServerKey));
        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("example.net", Ed25519, OtherKey));
        Assert.AreEqual(HostKeyVerdict.Changed, knownHosts.Verify("example.com", Ed25519, OtherKey));
    }

    [TestMethod]
    public void The_line_to_record_a_key_is_read_back_as_trusting_it()
    {
        var line = KnownHosts.LineFor("[127.0.0.1]:2222", Ed25519, ServerKey);

        Assert.AreEqual($"[127.0.0.1]:2222 ssh-ed25519 {Convert.ToBase64String(ServerKey)}", line);
        Assert.AreEqual(HostKeyVerdict.Trusted, KnownHosts.Parse(line).Verify("[127.0.0.1]:2222", Ed25519, ServerKey));
    }

    [TestMethod]
    public void A_missing_known_hosts_file_is_empty()
    {
        using var folder = new TempFolder();

        var knownHosts = KnownHosts.Load(folder.Combine("no-such-file"));

        Assert.AreEqual(HostKeyVerdict.Unknown, knownHosts.Verify("example.com", Ed25519, ServerKey));
    }

    [TestMethod]
    public void A_known_hosts_file_is_read_from_disk()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("known_hosts");
        File.WriteAllText(path, Line(Hashed("[127.0.0.1]:2222"), Ed25519, ServerKey) + "\n");

        var knownHosts = KnownHosts.Load(path);

        Assert.AreEqual(HostKeyVerdict.Trusted, knownHosts.Verify("[127.0.0.1]:2222", Ed25519, ServerKey));
    }

    private static string Line(string patterns, string keyType, byte[] key) => $"{patterns} {keyType} {Convert.ToBase64String(key)}";

    /// <summary>A host name hashed as <c>ssh-keygen -H</c> writes it: <c>|1|base64(salt)|base64(HMAC-SHA1(salt, name))</c>.</summary>
    private static string Hashed(string hostName)
    {
        var salt = RandomNumberGenerator.GetBytes(20);
#pragma warning disable CA5350 // OpenSSH defines hashed known_hosts names with HMAC-SHA1.
        var hash = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(hostName));
#pragma warning restore CA5350
        return $"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(hash)}";
    }

    /// <summary>An SSH public key blob: the key type as an SSH string, then 32 bytes that stand for the key.</summary>
    private static byte[] Blob(string keyType, byte seed)
    {
        var type = Encoding.ASCII.GetBytes(keyType);
        var blob = new byte[4 + type.Length + 4 + 32];
        blob[3] = (byte)type.Length;
        type.CopyTo(blob, 4);
        blob[4 + type.Length + 3] = 32;
        Array.Fill(blob, seed, 4 + type.Length + 4, 32);
        return blob;
    }
}
