using System.IO.Compression;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// docs/ci.md's recipe: no key file and no known_hosts, the key's text in an environment variable
/// and the host key pinned with the fingerprint ssh-keygen prints. The key text appears neither in
/// the build output nor in a binlog.
/// </summary>
[TestClass]
public sealed class CiRecipeDeploysWithKeyTextAndAPinnedHostKey
{
    // A name of this test's own: the test process hands it to dotnet, which Infrastructure/DotNet
    // otherwise runs with ATOMICDEPLOY_SSH_KEY removed.
    private const string KeyVariable = "ATOMICDEPLOY_CI_RECIPE_TEST_KEY";

    [TestMethod]
    public void Key_text_from_the_environment_and_a_pinned_fingerprint_deploy_and_leave_no_trace_of_the_key()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var app = new WebApp();
        using var work = new TempFolder();
        var keyText = File.ReadAllText(server.ClientKeyFile);
        var fingerprint = ProcessRunner.Check("ssh-keygen", "-lf", server.HostKeyFile).Split(' ')[1];
        var binlog = work.Combine("deploy.binlog");
        Environment.SetEnvironmentVariable(KeyVariable, keyText);
        try
        {
            var result = app.Run(
                "publish", "-c", "Release", "-v:detailed", $"-bl:{binlog}",
                "-p:AtomicDeploy=true",
                $"-p:AtomicDeployHost={server.HostSpec}",
                $"-p:AtomicDeployPath={root}",
                $"-p:AtomicDeployHostKeyFingerprint={fingerprint}",
                $"-p:AtomicDeployKnownHostsFile={work.Combine("no-known-hosts")}",
                $"-p:AtomicDeployPrivateKeyVariable={KeyVariable}");

            Assert.AreEqual(0, result.ExitCode, result.All);
            StringAssert.StartsWith(fingerprint, "SHA256:");
            var tree = new RemoteTree(root);
            Assert.AreEqual($"releases/{tree.Releases.Single()}", tree.CurrentLink);
            var keyBody = keyText.Split('\n')[1];
            Assert.IsFalse(result.All.Contains(keyBody, StringComparison.Ordinal), "the key is not in the build output");
            var recorded = Decompressed(binlog);
            StringAssert.Contains(recorded, root, "the binlog's strings are readable, so the next check can fail");
            Assert.IsFalse(recorded.Contains(keyBody, StringComparison.Ordinal), "the key is not in the binlog");
            Assert.IsFalse(File.Exists(work.Combine("no-known-hosts")), "a pinned key needs no known_hosts and writes none");
        }
        finally
        {
            Environment.SetEnvironmentVariable(KeyVariable, null);
        }
    }

    private static string Decompressed(string binlog)
    {
        using var gzip = new GZipStream(File.OpenRead(binlog), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, System.Text.Encoding.Latin1);
        return reader.ReadToEnd();
    }
}
