using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Issue 18: a file whose content a kept release already holds is placed from there, not sent; the
/// server checks the source first, so a forged manifest costs bytes, never a wrong file.
/// </summary>
[TestClass]
public sealed class ContentReuseOverSsh
{
    private const int AssetSize = 200_000;

    [TestMethod]
    public void A_renamed_file_is_linked_from_the_live_release_not_sent_and_arrives_byte_for_byte()
    {
        var root = SharedServer.Instance.NewDeployFolder();
        using var source = new TempFolder("atomicdeploy-source-");
        var asset = Random(1);
        Write(source, "wwwroot/app.1a2b3c.js", asset);
        Write(source, "app.dll", [1, 2, 3]);
        var first = Deploy(root, source.Path);
        File.Move(source.Combine("wwwroot", "app.1a2b3c.js"), source.Combine("wwwroot", "app.4d5e6f.js"));
        var log = new RecordingLog();

        var second = Deploy(root, source.Path, log);

        var tree = new RemoteTree(root);
        CollectionAssert.AreEqual(asset, File.ReadAllBytes(tree.ReleasePath(second, "wwwroot/app.4d5e6f.js")));
        Assert.AreEqual(RemoteTree.Inode(tree.ReleasePath(first, "wwwroot/app.1a2b3c.js")), RemoteTree.Inode(tree.ReleasePath(second, "wwwroot/app.4d5e6f.js")), "the new name is a hard link to the live file");
        Assert.IsFalse(File.Exists(tree.ReleasePath(second, "wwwroot/app.1a2b3c.js")));
        var all = string.Join('\n', log.Lines);
        Assert.IsTrue(log.Lines.Any(l => l.EndsWith("2 files published; sending 0 of 1 added and 0 changed (0 B), 1 linked from earlier releases (195.3 KB not sent), removing 1, keeping 1 unchanged.", StringComparison.Ordinal)), all);
        StringAssert.Contains(log.Lines.Single(l => l.StartsWith("AtomicDeploy: [", StringComparison.Ordinal)), "1 added, 0 changed, 1 removed, 1 linked from earlier releases, ");
        StringAssert.Contains(log.Lines.Single(l => l.StartsWith("AtomicDeploy: deployed release", StringComparison.Ordinal)), "(1 added, 0 changed, 1 removed, 1 linked from earlier releases, ", "the closing line counts them as the host's line does");
        Assert.IsLessThan(4_000L, BytesSent(tree), "the 200 KB of random bytes did not travel: " + all);
    }

    [TestMethod]
    public void Redeploying_the_previous_release_sends_only_the_manifest()
    {
        var root = SharedServer.Instance.NewDeployFolder();
        using var source = new TempFolder("atomicdeploy-source-");
        var v1 = Enumerable.Range(0, 5).Select(i => Random(10 + i)).ToArray();
        for (var i = 0; i < v1.Length; i++)
        {
            Write(source, $"lib/part{i}.dll", v1[i]);
        }

        Deploy(root, source.Path);
        for (var i = 0; i < v1.Length; i++)
        {
            Write(source, $"lib/part{i}.dll", Random(20 + i)[..(AssetSize - 10)]);
        }

        Deploy(root, source.Path);
        for (var i = 0; i < v1.Length; i++)
        {
            Write(source, $"lib/part{i}.dll", v1[i]);
        }

        var log = new RecordingLog();

        var third = Deploy(root, source.Path, log);

        var tree = new RemoteTree(root);
        for (var i = 0; i < v1.Length; i++)
        {
            CollectionAssert.AreEqual(v1[i], File.ReadAllBytes(tree.ReleasePath(third, $"lib/part{i}.dll")));
        }

        var all = string.Join('\n', log.Lines);
        StringAssert.Contains(all, "sending 0 of 0 added and 5 changed (0 B), 5 linked from earlier releases (976.6 KB not sent)");
        Assert.IsLessThan(4_000L, BytesSent(tree), "only the manifest and the list travel: " + all);
    }

    [TestMethod]
    public void A_copy_mode_release_gets_its_own_copy_of_a_renamed_file()
    {
        var root = SharedServer.Instance.NewDeployFolder();
        using var source = new TempFolder("atomicdeploy-source-");
        var asset = Random(2);
        Write(source, "a.bin", asset);
        var first = Deploy(root, source.Path, copyMode: CopyMode.Copy);
        File.Move(source.Combine("a.bin"), source.Combine("b.bin"));
        var log = new RecordingLog();

        var second = Deploy(root, source.Path, log, CopyMode.Copy);

        var tree = new RemoteTree(root);
        CollectionAssert.AreEqual(asset, File.ReadAllBytes(tree.ReleasePath(second, "b.bin")));
        Assert.AreNotEqual(RemoteTree.Inode(tree.ReleasePath(first, "a.bin")), RemoteTree.Inode(tree.ReleasePath(second, "b.bin")), "copy mode shares no inode");
        StringAssert.Contains(string.Join('\n', log.Lines), "1 copied from earlier releases");
        Assert.IsLessThan(4_000L, BytesSent(tree));
    }

    [TestMethod]
    public void A_forged_hash_in_an_older_manifest_cannot_put_wrong_content_in_the_release()
    {
        var root = SharedServer.Instance.NewDeployFolder();
        using var source = new TempFolder("atomicdeploy-source-");
        Write(source, "old.bin", Random(3));
        var first = Deploy(root, source.Path);
        File.Delete(source.Combine("old.bin"));
        Write(source, "app.dll", [1]);
        Deploy(root, source.Path);
        var wanted = Random(4);
        Forge(root, first, "old.bin", wanted);
        Write(source, "new.bin", wanted);
        var log = new RecordingLog();

        var third = Deploy(root, source.Path, log);

        var tree = new RemoteTree(root);
        CollectionAssert.AreEqual(wanted, File.ReadAllBytes(tree.ReleasePath(third, "new.bin")), "the file was sent, not taken from the file the forged manifest names");
        var all = string.Join('\n', log.Lines);
        StringAssert.Contains(all, "1 of the files to take from earlier releases in");
        Assert.IsGreaterThan((long)AssetSize, BytesSent(tree), "the random bytes travelled: " + all);
        StringAssert.Contains(log.Lines.Single(l => l.StartsWith("AtomicDeploy: [", StringComparison.Ordinal)), "1 added, 0 changed, 0 removed, ");
    }

    [TestMethod]
    public void A_manifest_naming_a_path_through_a_symlink_is_not_used()
    {
        var root = SharedServer.Instance.NewDeployFolder();
        using var source = new TempFolder("atomicdeploy-source-");
        Write(source, "app.dll", [1]);
        var first = Deploy(root, source.Path);
        Write(source, "app.dll", [2]);
        Deploy(root, source.Path);
        var viaFolder = Random(5);
        var viaFile = Random(6);
        using var local = new TempFolder();
        File.WriteAllBytes(local.Combine("x.bin"), viaFolder);
        File.WriteAllBytes(local.Combine("y.bin"), viaFile);
        File.SetUnixFileMode(local.Path, (UnixFileMode)0b111_101_101);
        var tree = new RemoteTree(root);
        var outside = Path.Combine(root, "elsewhere");

        // Made by the deploy user, so nothing but the check of the path keeps the server from linking them.
        AsDeployUser($"""
            mkdir {outside}
            cp {local.Combine("x.bin")} {local.Combine("y.bin")} {outside}/
            chmod 644 {outside}/x.bin {outside}/y.bin
            ln -s {outside} {tree.ReleasePath(first, "evil")}
            ln -s {outside}/y.bin {tree.ReleasePath(first, "y.bin")}
            """);
        Forge(root, first, "evil/x.bin", viaFolder);
        Forge(root, first, "y.bin", viaFile);
        Write(source, "x.bin", viaFolder);
        Write(source, "y.bin", viaFile);
        var log = new RecordingLog();

        var third = Deploy(root, source.Path, log);

        CollectionAssert.AreEqual(viaFolder, File.ReadAllBytes(tree.ReleasePath(third, "x.bin")));
        CollectionAssert.AreEqual(viaFile, File.ReadAllBytes(tree.ReleasePath(third, "y.bin")));
        Assert.IsFalse(new FileInfo(tree.ReleasePath(third, "x.bin")).LinkTarget is not null || new FileInfo(tree.ReleasePath(third, "y.bin")).LinkTarget is not null);
        var all = string.Join('\n', log.Lines);
        StringAssert.Contains(all, "2 of the files to take from earlier releases in");
        Assert.IsGreaterThan(2L * AssetSize, BytesSent(tree), "both files travelled: " + all);
        Assert.AreNotEqual(RemoteTree.Inode(Path.Combine(outside, "x.bin")), RemoteTree.Inode(tree.ReleasePath(third, "x.bin")));
    }

    private static void AsDeployUser(string script)
    {
        using var shell = EngineDeploy.Connect(EngineDeploy.Settings(SharedServer.Instance));
        Assert.AreEqual(0, shell.Run("set -eu\n" + script, null, CheckedDeploy.Timeout, CancellationToken.None).ExitCode);
    }

    private static string Deploy(string root, string source, RecordingLog? log = null, CopyMode copyMode = CopyMode.HardLink)
    {
        var server = SharedServer.Instance;
        using var deployment = EngineDeploy.Open(EngineDeploy.Connect(EngineDeploy.Settings(server)), EngineDeploy.Deploy(root, source, timeout: CheckedDeploy.Timeout) with { CopyMode = copyMode }, log);
        return deployment.Run(DateTime.UtcNow, CancellationToken.None);
    }

    /// <summary>Makes release <paramref name="release"/>'s manifest claim that <paramref name="path"/> holds <paramref name="content"/>.</summary>
    private static void Forge(string root, string release, string path, byte[] content)
    {
        var file = Path.Combine(root, ".atomicdeploy", "manifests", release + ".json");
        var manifest = JsonNode.Parse(File.ReadAllText(file))!;
        var entries = manifest["entries"]!.AsArray();
        foreach (var old in entries.Where(e => (string?)e!["path"] == path).ToArray())
        {
            entries.Remove(old);
        }

        entries.Add(new JsonObject
        {
            ["path"] = path,
            ["type"] = "f",
            ["size"] = content.Length,
            ["sha256"] = Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant(),
            ["mode"] = 420,
        });
        File.WriteAllText(file, manifest.ToJsonString());
    }

    private static long BytesSent(RemoteTree tree) =>
        JsonDocument.Parse(tree.HistoryLines[^1]).RootElement.GetProperty("bytesSent").GetInt64();

    private static byte[] Random(int seed)
    {
        var bytes = new byte[AssetSize];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static void Write(TempFolder folder, string relative, byte[] content)
    {
        var path = folder.Combine(relative.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }
}
