using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Remote;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Each way a credential can be found, read and refused, against the shared sshd (keys only, no
/// passwords): every refusal has its own code, and an accepted one runs a command.
/// </summary>
[TestClass]
public sealed class CredentialsOverSsh
{
    internal const string Passphrase = "correct horse $battery 'staple'";

    [TestMethod]
    public void Key_text_from_the_environment_logs_in_without_a_key_file()
    {
        var server = SharedServer.Instance;
        var settings = EngineDeploy.Settings(server) with { PrivateKeyFile = null };

        using var shell = Connect(settings, new() { [settings.PrivateKeyVariable] = File.ReadAllText(server.ClientKeyFile).Replace("\n", "\r\n", StringComparison.Ordinal) }, "/nonexistent-home");

        AssertRuns(shell);
    }

    [TestMethod]
    public void An_encrypted_key_opens_with_the_passphrase_from_the_environment_and_not_without_it()
    {
        var server = SharedServer.Instance;
        using var folder = new TempFolder();
        var encrypted = EncryptedCopyOfClientKey(server, folder);
        var settings = EngineDeploy.Settings(server, keyFile: encrypted);

        using (var shell = Connect(settings, new() { [settings.PassphraseVariable] = Passphrase }))
        {
            AssertRuns(shell);
        }

        var missing = Assert.ThrowsExactly<DeployException>(() => Connect(settings, []));
        Assert.AreEqual(ErrorCodes.PassphraseMissing, missing.Code);
        StringAssert.Contains(missing.Message, settings.PassphraseVariable);
        var wrong = Assert.ThrowsExactly<DeployException>(() => Connect(settings, new() { [settings.PassphraseVariable] = "not the passphrase" }));
        Assert.AreEqual(ErrorCodes.PassphraseWrong, wrong.Code);
        Assert.DoesNotContain("not the passphrase", wrong.Message);
    }

    [TestMethod]
    public void Encrypted_key_text_in_the_environment_opens_with_the_passphrase()
    {
        var server = SharedServer.Instance;
        using var folder = new TempFolder();
        var settings = EngineDeploy.Settings(server) with { PrivateKeyFile = null };
        var keyText = File.ReadAllText(EncryptedCopyOfClientKey(server, folder));

        using var shell = Connect(settings, new() { [settings.PrivateKeyVariable] = keyText, [settings.PassphraseVariable] = Passphrase }, "/nonexistent-home");

        AssertRuns(shell);
        var wrong = Assert.ThrowsExactly<DeployException>(() => Connect(settings, new() { [settings.PrivateKeyVariable] = keyText, [settings.PassphraseVariable] = "wrong" }));
        Assert.AreEqual(ErrorCodes.PassphraseWrong, wrong.Code);
    }

    [TestMethod]
    [DataRow("ecdsa", "256")]
    [DataRow("rsa", "3072")]
    public void Ecdsa_and_rsa_keys_log_in(string type, string bits)
    {
        // OpenSSH refuses ssh-rsa signatures (SHA-1) by default: an RSA login proves rsa-sha2 is used.
        var server = SharedServer.Instance;
        using var folder = new TempFolder();
        var key = folder.Combine("id_" + type);
        ProcessRunner.Check("ssh-keygen", "-q", "-t", type, "-b", bits, "-N", "", "-f", key);
        server.Authorize(key + ".pub");

        using var shell = Connect(EngineDeploy.Settings(server, keyFile: key), []);

        AssertRuns(shell);
    }

    [TestMethod]
    public void The_default_key_files_are_all_offered_in_order()
    {
        var server = SharedServer.Instance;
        using var home = new TempFolder();
        Directory.CreateDirectory(home.Combine(".ssh"));
        ProcessRunner.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", home.Combine(".ssh", "id_ed25519"));
        File.Copy(server.ClientKeyFile, home.Combine(".ssh", "id_ecdsa"));
        var settings = EngineDeploy.Settings(server) with { PrivateKeyFile = null };

        using (var shell = Connect(settings, [], home.Path))
        {
            AssertRuns(shell);
        }

        File.Delete(home.Combine(".ssh", "id_ecdsa"));
        var refused = Assert.ThrowsExactly<DeployException>(() => Connect(settings, [], home.Path));
        Assert.AreEqual(ErrorCodes.KeyRefused, refused.Code);
        StringAssert.Contains(refused.Message, home.Combine(".ssh", "id_ed25519"));
    }

    [TestMethod]
    public void A_key_the_server_does_not_know_is_refused_with_its_own_code()
    {
        var server = SharedServer.Instance;
        using var folder = new TempFolder();
        var strangerKey = folder.Combine("stranger");
        ProcessRunner.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", strangerKey);

        var failure = Assert.ThrowsExactly<DeployException>(() => Connect(EngineDeploy.Settings(server, keyFile: strangerKey), []));

        Assert.AreEqual(ErrorCodes.KeyRefused, failure.Code);
        StringAssert.Contains(failure.Message, strangerKey);
    }

    [TestMethod]
    public void A_missing_key_file_a_file_that_is_no_key_and_no_credential_at_all_have_their_own_codes()
    {
        var server = SharedServer.Instance;
        using var folder = new TempFolder();

        var missing = Assert.ThrowsExactly<DeployException>(() => Connect(EngineDeploy.Settings(server, keyFile: folder.Combine("no-such-key")), []));
        var notAKey = Assert.ThrowsExactly<DeployException>(() => Connect(EngineDeploy.Settings(server, keyFile: server.ClientKeyFile + ".pub"), []));
        var none = Assert.ThrowsExactly<DeployException>(() => Connect(EngineDeploy.Settings(server) with { PrivateKeyFile = null }, [], folder.Path));

        Assert.AreEqual(ErrorCodes.KeyFileMissing, missing.Code);
        Assert.AreEqual(ErrorCodes.KeyUnreadable, notAKey.Code);
        Assert.AreEqual(ErrorCodes.NoCredential, none.Code);
    }

    [TestMethod]
    public void Key_and_known_hosts_files_written_with_a_tilde_are_read_from_the_home_folder()
    {
        var server = SharedServer.Instance;
        using var home = new TempFolder();
        Directory.CreateDirectory(home.Combine(".ssh"));
        File.Copy(server.ClientKeyFile, home.Combine(".ssh", "deploy_key"));
        File.Copy(server.KnownHostsFile, home.Combine(".ssh", "deploy_known_hosts"));
        var inputs = new DeployInputs { Host = server.HostSpec, DeployPath = "/srv/app", Operation = DeployOperation.Inspect, PrivateKeyFile = "~/.ssh/deploy_key", KnownHostsFile = "~/.ssh/deploy_known_hosts" };

        var target = DeploySettings.Parse(inputs, home.Path, new RecordingLog()).Hosts.Single();

        Assert.AreEqual(home.Combine(".ssh", "deploy_key"), target.Ssh!.PrivateKeyFile);
        using var shell = target.Connect(_ => null, home.Path, CancellationToken.None);
        AssertRuns(shell);
    }

    [TestMethod]
    public void A_password_offered_to_a_server_that_takes_keys_only_is_refused_as_no_accepted_method()
    {
        var server = SharedServer.Instance;
        var settings = EngineDeploy.Settings(server) with { PrivateKeyFile = null };

        var failure = Assert.ThrowsExactly<DeployException>(() => Connect(settings, new() { [settings.PasswordVariable] = "a password" }, "/nonexistent-home"));

        Assert.AreEqual(ErrorCodes.NoAcceptedMethod, failure.Code);
        Assert.DoesNotContain("a password", failure.Message);
    }

    /// <summary>A copy of the server's client key (so already authorised), encrypted with <see cref="Passphrase"/>.</summary>
    internal static string EncryptedCopyOfClientKey(SshServer server, TempFolder folder)
    {
        var copy = folder.Combine("encrypted_key");
        File.Copy(server.ClientKeyFile, copy);
        File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        ProcessRunner.Check("ssh-keygen", "-q", "-p", "-P", "", "-N", Passphrase, "-f", copy);
        return copy;
    }

    internal static IRemoteShell Connect(SshSettings settings, Dictionary<string, string> environment, string home = "/nonexistent-home") =>
        SshShell.Connect(settings, name => environment.GetValueOrDefault(name), home, CancellationToken.None);

    private static void AssertRuns(IRemoteShell shell) =>
        Assert.AreEqual("ok\n", shell.Run("echo ok", null, TimeSpan.FromSeconds(10), CancellationToken.None).Output);
}
