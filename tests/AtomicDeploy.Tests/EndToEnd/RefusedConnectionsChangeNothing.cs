using AtomicDeploy.Core;
using AtomicDeploy.Tests.Ssh;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// Every way connecting can be refused, tried with <c>dotnet publish</c> and the spec's property
/// names after a good deploy: the build fails with the refusal's code, no secret shows in its
/// output, and the server's tree is byte for byte as it was.
/// </summary>
[TestClass]
public sealed class RefusedConnectionsChangeNothing
{
    private const string WrongSecret = "wrong-secret-5d21";

    [TestMethod]
    public void Each_refused_host_key_and_credential_fails_with_its_code_and_changes_nothing()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var folder = new TempFolder();
        using var app = new WebApp();
        string[] basics = ["AtomicDeploy=true", $"AtomicDeployHost={server.HostSpec}", $"AtomicDeployPath={root}"];
        var keyFile = $"AtomicDeployPrivateKeyFile={server.ClientKeyFile}";
        var known = $"AtomicDeployKnownHostsFile={server.KnownHostsFile}";
        Assert.AreEqual(0, app.Publish([.. basics, keyFile, known]).ExitCode);
        var before = RemoteTree.Snapshot(root);

        var hostLine = $"[127.0.0.1]:{server.Port} {server.HostKeyType} {server.HostKeyBase64}";
        var other = folder.Combine("other");
        ProcessRunner.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "other", "-f", other);
        var otherLine = $"[127.0.0.1]:{server.Port} {string.Join(' ', File.ReadAllText(other + ".pub").Split(' ').Take(2))}";
        var changed = Write(folder, "changed", otherLine);
        var revoked = Write(folder, "revoked", hostLine, "@revoked " + hostLine);
        var certAuthority = Write(folder, "ca", $"@cert-authority [127.0.0.1]:* {server.HostKeyType} {server.HostKeyBase64}");
        var encrypted = CredentialsOverSsh.EncryptedCopyOfClientKey(server, folder);
        var emptyHome = folder.Combine("home");
        Directory.CreateDirectory(emptyHome);
        var noKeys = new Dictionary<string, string?> { ["HOME"] = emptyHome };

        (string Code, Dictionary<string, string?> Environment, string[] Properties)[] cases =
        [
            (ErrorCodes.HostKeyChanged, [], [.. basics, keyFile, $"AtomicDeployKnownHostsFile={changed}"]),
            (ErrorCodes.HostKeyChanged, [], [.. basics, keyFile, $"AtomicDeployKnownHostsFile={changed}", "AtomicDeployHostKeyPolicy=AcceptNew"]),
            (ErrorCodes.HostKeyChanged, [], [.. basics, keyFile, $"AtomicDeployHostKeyFingerprint=SHA256:{new string('B', 43)}"]),
            (ErrorCodes.HostKeyRevoked, [], [.. basics, keyFile, $"AtomicDeployKnownHostsFile={revoked}"]),
            (ErrorCodes.HostKeyCertificateUnsupported, [], [.. basics, keyFile, $"AtomicDeployKnownHostsFile={certAuthority}", "AtomicDeployHostKeyPolicy=AcceptNew"]),
            (ErrorCodes.KeyRefused, [], [.. basics, known, $"AtomicDeployPrivateKeyFile={other}"]),
            (ErrorCodes.KeyFileMissing, [], [.. basics, known, $"AtomicDeployPrivateKeyFile={folder.Combine("missing_key")}"]),
            (ErrorCodes.KeyUnreadable, [], [.. basics, known, $"AtomicDeployPrivateKeyFile={server.ClientKeyFile}.pub"]),
            (ErrorCodes.PassphraseMissing, [], [.. basics, known, $"AtomicDeployPrivateKeyFile={encrypted}"]),
            (ErrorCodes.PassphraseWrong, new() { ["ATOMICDEPLOY_SSH_PASSPHRASE"] = WrongSecret }, [.. basics, known, $"AtomicDeployPrivateKeyFile={encrypted}"]),
            (ErrorCodes.NoCredential, noKeys, [.. basics, known]),
            (ErrorCodes.NoAcceptedMethod, new() { ["HOME"] = emptyHome, ["CI_PASSWORD"] = WrongSecret }, [.. basics, known, "AtomicDeployPasswordVariable=CI_PASSWORD"]),
            (ErrorCodes.Unreachable, [], ["AtomicDeploy=true", $"AtomicDeployHost={server.User}@127.0.0.1:1", $"AtomicDeployPath={root}", keyFile, known]),
        ];
        foreach (var (code, environment, properties) in cases)
        {
            var result = app.PublishWith(environment, [.. properties.Select(p => "-p:" + p)]);

            Assert.AreNotEqual(0, result.ExitCode, code);
            StringAssert.Contains(result.Output, $"error {code}:", result.Output);
            Assert.DoesNotContain(WrongSecret, result.All);
            CollectionAssert.AreEqual(before, RemoteTree.Snapshot(root), $"the server is unchanged after {code}");
        }

        Assert.AreEqual(otherLine + "\n", File.ReadAllText(changed), "AcceptNew recorded nothing for a changed key");
    }

    private static string Write(TempFolder folder, string name, params string[] lines)
    {
        var path = folder.Combine(name);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }
}
