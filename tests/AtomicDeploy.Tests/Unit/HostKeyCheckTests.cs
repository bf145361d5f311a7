using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class HostKeyCheckTests
{
    [TestMethod]
    [DataRow("ed25519", "ssh-ed25519")]
    [DataRow("ecdsa", "ecdsa-sha2-nistp256")]
    [DataRow("rsa", "ssh-rsa")]
    public void The_fingerprint_and_key_type_of_a_real_key_are_the_ones_ssh_keygen_prints(string algorithm, string keyType)
    {
        using var folder = new TempFolder();
        var keyFile = folder.Combine("k");
        Run("ssh-keygen", "-q", "-t", algorithm, "-N", string.Empty, "-C", "test@atomicdeploy", "-f", keyFile);
        var publicKey = File.ReadAllText(keyFile + ".pub").Split(' ');
        var blob = Convert.FromBase64String(publicKey[1]);
        var printed = Run("ssh-keygen", "-l", "-E", "sha256", "-f", keyFile + ".pub").Split(' ');

        Assert.AreEqual(printed[1], HostKeyCheck.Fingerprint(blob));
        Assert.AreEqual(keyType, HostKeyCheck.KeyTypeOf(blob));
        Assert.AreEqual(publicKey[0], HostKeyCheck.KeyTypeOf(blob));
    }

    [TestMethod]
    public void A_fingerprint_is_SHA256_and_unpadded_base64_of_the_key_blob()
    {
        var blob = Encoding.ASCII.GetBytes("any key blob");

        var fingerprint = HostKeyCheck.Fingerprint(blob);

        Assert.AreEqual("SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('='), fingerprint);
        Assert.AreEqual(50, fingerprint.Length);
        Assert.DoesNotContain("=", fingerprint);
    }

    [TestMethod]
    public void A_fingerprint_can_be_pinned_as_it_is_printed()
    {
        var fingerprint = HostKeyCheck.Fingerprint([0, 0, 0, 11, .. "ssh-ed25519"u8, 0, 0, 0, 1, 42]);

        CollectionAssert.AreEqual(new[] { fingerprint }, HostKeyCheck.ParseFingerprints(fingerprint).ToArray());
    }

    [TestMethod]
    [DataRow(new byte[0], DisplayName = "empty")]
    [DataRow(new byte[] { 0, 0, 0 }, DisplayName = "shorter than a length")]
    [DataRow(new byte[] { 0, 0, 0, 0 }, DisplayName = "zero length")]
    [DataRow(new byte[] { 0, 0, 0, 8, (byte)'s', (byte)'s', (byte)'h' }, DisplayName = "length past the end")]
    [DataRow(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, (byte)'s' }, DisplayName = "negative length")]
    public void A_blob_that_does_not_start_with_a_key_type_has_an_unknown_type(byte[] blob)
    {
        Assert.AreEqual("unknown", HostKeyCheck.KeyTypeOf(blob));
    }

    [TestMethod]
    [DataRow(null)]
    [DataRow("")]
    [DataRow(" ; ;")]
    public void No_pinned_fingerprint_gives_an_empty_list(string? text)
    {
        Assert.IsEmpty(HostKeyCheck.ParseFingerprints(text));
    }

    [TestMethod]
    public void Several_pinned_fingerprints_are_separated_by_semicolons_and_trimmed()
    {
        var first = HostKeyCheck.Fingerprint([1]);
        var second = HostKeyCheck.Fingerprint([2]);

        var parsed = HostKeyCheck.ParseFingerprints($"  {first} ;{second};  ");

        CollectionAssert.AreEqual(new[] { first, second }, parsed.ToArray());
    }

    [TestMethod]
    [DataRow("MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48")]
    [DataRow("sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU")]
    [DataRow("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF")]
    [DataRow("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")]
    [DataRow("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU")]
    [DataRow("SHA256:")]
    [DataRow("SHA256:!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    [DataRow("SHA256:47DEQpj8HBSa+/TImW+5JCeuQe km5NMpJWZG3hSuFU")]
    public void A_pinned_value_that_is_not_a_SHA256_fingerprint_is_refused_naming_it(string value)
    {
        var text = $"{HostKeyCheck.Fingerprint([1])};{value}";

        var error = Assert.ThrowsExactly<DeployException>(() => HostKeyCheck.ParseFingerprints(text));

        Assert.AreEqual(ErrorCodes.HostKeySettingInvalid, error.Code);
        Assert.Contains($"'{value}'", error.Message);
    }

    [TestMethod]
    public void Algorithms_of_key_types_recorded_for_the_host_come_first_and_certificates_are_left_out()
    {
        using var folder = new TempFolder();
        var knownHosts = folder.Combine("known_hosts");
        File.WriteAllText(knownHosts, "[web1]:2222 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7\n");
        var check = new HostKeyCheck(new AtomicDeploy.Core.Planning.HostAddress("deploy", "web1", 2222), knownHosts, [], HostKeyPolicy.Strict);

        var order = check.PreferredAlgorithms(["ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]);

        CollectionAssert.AreEqual(new[] { "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256" }, order.ToArray());
    }

    [TestMethod]
    public void AcceptNew_never_records_a_key_whose_type_name_could_add_a_line_to_known_hosts()
    {
        using var folder = new TempFolder();
        var knownHosts = folder.Combine("known_hosts");
        var type = Encoding.ASCII.GetBytes("ssh-ed25519\n* ssh-ed25519");
        byte[] blob = [0, 0, 0, (byte)type.Length, .. type, 0, 0, 0, 1, 7];
        var check = new HostKeyCheck(new AtomicDeploy.Core.Planning.HostAddress("deploy", "web1", 22), knownHosts, [], HostKeyPolicy.AcceptNew);

        Assert.AreEqual("unknown", HostKeyCheck.KeyTypeOf(blob));
        Assert.IsFalse(check.Trust(blob));
        Assert.AreEqual(ErrorCodes.HostKeyUnknown, check.Refusal!.Code);
        Assert.IsFalse(File.Exists(knownHosts));
    }

    [TestMethod]
    public void A_known_hosts_file_that_cannot_be_read_or_written_refuses_the_host_with_its_own_code()
    {
        using var folder = new TempFolder();
        var host = new AtomicDeploy.Core.Planning.HostAddress("deploy", "web1", 22);
        byte[] blob = [0, 0, 0, 11, .. Encoding.ASCII.GetBytes("ssh-ed25519"), 0, 0, 0, 1, 7];
        Directory.CreateDirectory(folder.Combine("a-folder"));
        File.WriteAllText(folder.Combine("a-file"), "not a folder");
        var unreadable = new HostKeyCheck(host, folder.Combine("a-folder"), [], HostKeyPolicy.Strict);
        var unwritable = new HostKeyCheck(host, folder.Combine("a-file", "known_hosts"), [], HostKeyPolicy.AcceptNew);

        Assert.IsFalse(unreadable.Trust(blob));
        Assert.IsFalse(unwritable.Trust(blob));

        Assert.AreEqual(ErrorCodes.KnownHostsUnusable, unreadable.Refusal!.Code);
        Assert.AreEqual(ErrorCodes.KnownHostsUnusable, unwritable.Refusal!.Code);
        StringAssert.Contains(unwritable.Refusal.Message, "web1 ssh-ed25519 ");
    }

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, $"{program} failed: {errors.Result}");
        return output.Trim();
    }
}
