using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>A password from the environment, against an sshd of its own that allows password logins.</summary>
[TestClass]
public sealed class PasswordLogins
{
    private const string Password = "pa ss'w\"ord $x `y`";

    [TestMethod]
    public void The_right_password_logs_in_a_wrong_one_is_refused_and_a_wrong_key_with_it_too()
    {
        if (Environment.UserName != "root")
        {
            Assert.Inconclusive("Setting a test user's password needs root.");
        }

        using var server = SshServer.StartWithPassword("atomicdeploy-pw", Password);
        var settings = EngineDeploy.Settings(server) with { PrivateKeyFile = null };
        using var folder = new TempFolder();
        var strangerKey = folder.Combine("stranger");
        ProcessRunner.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", strangerKey);

        using (var shell = CredentialsOverSsh.Connect(settings, new() { [settings.PasswordVariable] = Password }))
        {
            Assert.AreEqual("ok\n", shell.Run("echo ok", null, TimeSpan.FromSeconds(10), CancellationToken.None).Output);
        }

        var wrong = Assert.ThrowsExactly<DeployException>(() => CredentialsOverSsh.Connect(settings, new() { [settings.PasswordVariable] = "wrong password" }));
        var both = Assert.ThrowsExactly<DeployException>(() => CredentialsOverSsh.Connect(settings with { PrivateKeyFile = strangerKey }, new() { [settings.PasswordVariable] = "wrong password" }));

        Assert.AreEqual(ErrorCodes.PasswordRefused, wrong.Code);
        Assert.DoesNotContain("wrong password", wrong.Message);
        Assert.AreEqual(ErrorCodes.AuthenticationFailed, both.Code);
        StringAssert.Contains(both.Message, strangerKey);
    }
}
