using System.IO.Compression;
using System.Text;
using AtomicDeploy.Tests.Ssh;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// A CI-style deploy: the key TEXT (encrypted), its passphrase and a password are in the build's
/// environment, and the build runs at diagnostic verbosity with a binary log. None of the three
/// shows in the console log, in the binlog's events, or in a diagnostic log replayed from it.
/// </summary>
[TestClass]
public sealed class SecretsStayOutOfLogsAndBinlogs
{
    private const string Password = "pw-3f9c1e-never-logged";

    [TestMethod]
    public void A_diagnostic_build_with_a_binlog_holds_no_key_text_passphrase_or_password()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var folder = new TempFolder();
        using var app = new WebApp();
        var keyText = File.ReadAllText(CredentialsOverSsh.EncryptedCopyOfClientKey(server, folder));
        var binlog = folder.Combine("deploy.binlog");
        var environment = new Dictionary<string, string?>
        {
            ["ATOMICDEPLOY_SSH_KEY"] = keyText,
            ["ATOMICDEPLOY_SSH_PASSPHRASE"] = CredentialsOverSsh.Passphrase,
            ["ATOMICDEPLOY_SSH_PASSWORD"] = Password,

            // MSBuild's default: only variables read as properties are logged. Setting this to 1
            // logs every variable, secrets included (docs/security.md says so).
            ["MSBUILDLOGALLENVIRONMENTVARIABLES"] = null,
        };

        var result = app.PublishWith(environment, "-v:diag", $"-bl:{binlog}", "-p:AtomicDeploy=true", $"-p:AtomicDeployHost={server.HostSpec}", $"-p:AtomicDeployPath={root}", $"-p:AtomicDeployKnownHostsFile={server.KnownHostsFile}");

        Assert.AreEqual(0, result.ExitCode, result.Output[^Math.Min(4000, result.Output.Length)..]);
        Assert.AreEqual(1, new RemoteTree(root).Releases.Length, "the deploy used the key text and passphrase from the environment");
        var events = Decompress(binlog);
        var replayLog = folder.Combine("replay.log");
        var replay = DotNet.Run(["msbuild", binlog, $"-flp:logfile={replayLog};verbosity=diagnostic", "-noconlog"], folder.Path, null, folder.Combine("tmp"));
        Assert.AreEqual(0, replay.ExitCode, replay.All);
        var replayed = File.ReadAllText(replayLog);

        // The checks can find things: the deploy path is in all three.
        StringAssert.Contains(result.Output, root);
        StringAssert.Contains(replayed, root);
        Assert.IsTrue(Contains(events, root), "the binlog was read");
        foreach (var (what, secret) in Secrets(keyText))
        {
            Assert.DoesNotContain(secret, result.All, $"{what} is in the diagnostic console log");
            Assert.DoesNotContain(secret, replayed, $"{what} is in the log replayed from the binlog");
            Assert.IsFalse(Contains(events, secret), $"{what} is in the binlog");
        }
    }

    private static IEnumerable<(string What, string Secret)> Secrets(string keyText)
    {
        yield return ("the passphrase", CredentialsOverSsh.Passphrase);
        yield return ("the password", Password);
        var lines = keyText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).ToArray();
        for (var i = 0; i < lines.Length; i++)
        {
            yield return ($"line {i + 1} of the key text", lines[i]);
        }
    }

    private static byte[] Decompress(string binlog)
    {
        using var gzip = new GZipStream(File.OpenRead(binlog), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        return bytes.ToArray();
    }

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0 || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(needle)) >= 0;
}
