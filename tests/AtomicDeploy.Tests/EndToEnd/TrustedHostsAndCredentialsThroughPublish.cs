using System.Security.Cryptography;
using System.Text;
using AtomicDeploy.Core.Ssh;
using AtomicDeploy.Tests.Ssh;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// The ways a new user trusts a server and logs in, tried with <c>dotnet publish</c> and the
/// property names of the spec: each one deploys.
/// </summary>
[TestClass]
public sealed class TrustedHostsAndCredentialsThroughPublish
{
    [TestMethod]
    public void Pinned_hashed_AcceptNew_key_text_and_encrypted_key_file_each_deploy()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var folder = new TempFolder();
        using var app = new WebApp();
        var tree = new RemoteTree(root);
        string[] basics = ["AtomicDeploy=true", $"AtomicDeployHost={server.HostSpec}", $"AtomicDeployPath={root}", "AtomicDeployKeepReleases=10"];
        var keyFile = $"AtomicDeployPrivateKeyFile={server.ClientKeyFile}";
        var fingerprint = HostKeyCheck.Fingerprint(Convert.FromBase64String(server.HostKeyBase64));

        // A pinned fingerprint needs no known_hosts file at all.
        Deploys(app, tree, [], [.. basics, keyFile, $"AtomicDeployHostKeyFingerprint=\"SHA256:{new string('A', 43)};{fingerprint}\"", $"AtomicDeployKnownHostsFile={folder.Combine("none", "known_hosts")}"]);

        var hashed = folder.Combine("hashed_known_hosts");
        File.WriteAllText(hashed, $"{HashedName($"[127.0.0.1]:{server.Port}")} {server.HostKeyType} {server.HostKeyBase64}\n");
        Deploys(app, tree, [], [.. basics, keyFile, $"AtomicDeployKnownHostsFile={hashed}"]);

        // AcceptNew records the first-seen host; Strict then trusts the recorded key.
        var fresh = folder.Combine("fresh", "known_hosts");
        Deploys(app, tree, [], [.. basics, keyFile, $"AtomicDeployKnownHostsFile={fresh}", "AtomicDeployHostKeyPolicy=AcceptNew"]);
        Assert.AreEqual($"[127.0.0.1]:{server.Port} {server.HostKeyType} {server.HostKeyBase64}\n", File.ReadAllText(fresh));
        Deploys(app, tree, [], [.. basics, keyFile, $"AtomicDeployKnownHostsFile={fresh}"]);

        // CI: key text in a variable the project names, no key file.
        var known = $"AtomicDeployKnownHostsFile={server.KnownHostsFile}";
        Deploys(app, tree, new() { ["MY_DEPLOY_KEY"] = File.ReadAllText(server.ClientKeyFile) }, [.. basics, known, "AtomicDeployPrivateKeyVariable=MY_DEPLOY_KEY"]);

        // An encrypted key file, its passphrase in a variable the project names.
        var encrypted = CredentialsOverSsh.EncryptedCopyOfClientKey(server, folder);
        Deploys(app, tree, new() { ["MY_PASSPHRASE"] = CredentialsOverSsh.Passphrase }, [.. basics, known, $"AtomicDeployPrivateKeyFile={encrypted}", "AtomicDeployPassphraseVariable=MY_PASSPHRASE"]);

        Assert.AreEqual(6, tree.Releases.Length);
    }

    private static void Deploys(WebApp app, RemoteTree tree, Dictionary<string, string?> environment, string[] properties)
    {
        var before = tree.Releases.Length;

        // Every way of trusting and logging in deploys the same app: Force makes each one a release.
        var result = app.PublishWith(environment, [.. properties.Select(p => "-p:" + p), "-p:AtomicDeployForce=true"]);

        Assert.AreEqual(0, result.ExitCode, string.Join(' ', properties) + "\n" + result.All);
        Assert.AreEqual(before + 1, tree.Releases.Length, string.Join(' ', properties));
        Assert.AreEqual($"releases/{tree.Releases.Last()}", tree.CurrentLink);
    }

    private static string HashedName(string name)
    {
        var salt = RandomNumberGenerator.GetBytes(20);
#pragma warning disable CA5350 // OpenSSH's hashed known_hosts format is HMAC-SHA1.
        var hash = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(name));
#pragma warning restore CA5350
        return $"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(hash)}";
    }
}
