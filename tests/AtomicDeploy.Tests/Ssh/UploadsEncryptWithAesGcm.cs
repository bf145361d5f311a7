using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// A connection to OpenSSH encrypts with AES-GCM, the cipher that costs the client least per byte
/// uploaded; every other cipher is still offered, for servers without GCM.
/// </summary>
[TestClass]
public sealed class UploadsEncryptWithAesGcm
{
    [TestMethod]
    public void A_connection_to_openssh_encrypts_with_aes_gcm()
    {
        using var shell = (SshShell)EngineDeploy.Connect(EngineDeploy.Settings(SharedServer.Instance));

        Assert.AreEqual("aes128-gcm@openssh.com", shell.Cipher);
        Assert.AreEqual("ok\n", shell.Run("echo ok", null, TimeSpan.FromSeconds(20), CancellationToken.None).Output);
    }

    [TestMethod]
    public void Every_cipher_is_still_offered_with_aes_gcm_first()
    {
        var info = new Renci.SshNet.ConnectionInfo("127.0.0.1", "user", new Renci.SshNet.NoneAuthenticationMethod("user"));
        var before = info.Encryptions.Keys.ToArray();

        SshShell.PreferAesGcm(info);

        var after = info.Encryptions.Keys.ToArray();
        CollectionAssert.AreEquivalent(before, after);
        CollectionAssert.AreEqual(new[] { "aes128-gcm@openssh.com", "aes256-gcm@openssh.com" }, after[..2]);
        CollectionAssert.AreEqual(before.Where(c => !c.Contains("-gcm@", StringComparison.Ordinal)).ToArray(), after[2..], "the others keep SSH.NET's order");
    }
}
