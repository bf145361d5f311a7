using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AtomicDeploy.Core.Manifest;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Issue 18: a deploy that changed one file of many sends the new manifest as edits of the live one,
/// and the server holds the same manifest a whole one would have been.
/// </summary>
[TestClass]
public sealed class ManifestAsEditsOverSsh
{
    [TestMethod]
    public void One_changed_file_of_600_sends_a_few_hundred_bytes_of_manifest_and_the_server_holds_it_whole()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = Assets();
        var first = EngineDeploy.Deploy(server, root, source.Path);
        var whole = new FileInfo(Path.Combine(root, ".atomicdeploy", "manifests", first + ".json")).Length;
        source.Write("wwwroot/assets/asset300.js", "asset 300, edited");
        var log = new RecordingLog();

        var second = EngineDeploy.Deploy(server, root, source.Path, log);

        var tree = new RemoteTree(root);
        var all = string.Join('\n', log.Lines);
        var json = File.ReadAllBytes(Path.Combine(root, ".atomicdeploy", "manifests", second + ".json"));
        var manifest = ReleaseManifest.Parse(Encoding.UTF8.GetString(json));
        CollectionAssert.AreEqual(manifest.ToJson(second), json, "the manifest on the server is the one a whole upload writes");
        Assert.AreEqual(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("asset 300, edited"))).ToLowerInvariant(), manifest.ByPath["wwwroot/assets/asset300.js"].Sha256);
        Assert.AreEqual(602, manifest.Entries.Count, "600 files and their 2 folders");
        var sent = JsonDocument.Parse(tree.HistoryLines[^1]).RootElement.GetProperty("bytesSent").GetInt64();
        Assert.IsGreaterThan(50_000L, whole, "the manifest is large enough to tell");
        Assert.IsLessThan(3_000L, sent, $"the manifest ({whole} bytes whole) did not travel whole: {all}");
        Assert.IsFalse(all.Contains("sent whole", StringComparison.Ordinal), all);
        CollectionAssert.AreEquivalent(new[] { first + ".json", second + ".json" }, Directory.GetFiles(Path.Combine(root, ".atomicdeploy", "manifests")).Select(Path.GetFileName).ToArray());

        source.Write("wwwroot/assets/asset301.js", "asset 301, edited");
        var third = EngineDeploy.Deploy(server, root, source.Path);

        Assert.AreEqual("asset 301, edited", new RemoteTree(root).CurrentFile("wwwroot/assets/asset301.js"));
        Assert.AreEqual("asset 300, edited", File.ReadAllText(new RemoteTree(root).ReleasePath(third, "wwwroot/assets/asset300.js")));
    }

    [TestMethod]
    public void A_live_manifest_written_another_way_gets_the_new_one_whole_and_nothing_left_behind()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = Assets();
        var first = EngineDeploy.Deploy(server, root, source.Path);
        var live = Path.Combine(root, ".atomicdeploy", "manifests", first + ".json");
        // The same entries, but not the bytes this version writes (another version, or a hand, wrote it).
        File.WriteAllText(live, JsonNode.Parse(File.ReadAllText(live))!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        source.Write("wwwroot/assets/asset300.js", "asset 300, edited");
        var log = new RecordingLog();

        var second = EngineDeploy.Deploy(server, root, source.Path, log);

        var all = string.Join('\n', log.Lines);
        Assert.IsTrue(log.Lines.Any(l => l.Contains("the new manifest is sent whole", StringComparison.Ordinal)), all);
        var json = File.ReadAllBytes(Path.Combine(root, ".atomicdeploy", "manifests", second + ".json"));
        var manifest = ReleaseManifest.Parse(Encoding.UTF8.GetString(json));
        CollectionAssert.AreEqual(manifest.ToJson(second), json);
        Assert.AreEqual(17, manifest.ByPath["wwwroot/assets/asset300.js"].Size);
        Assert.AreEqual(602, manifest.Entries.Count);
        CollectionAssert.AreEquivalent(new[] { first + ".json", second + ".json" }, Directory.GetFiles(Path.Combine(root, ".atomicdeploy", "manifests")).Select(Path.GetFileName).ToArray());
        Assert.AreEqual("asset 300, edited", new RemoteTree(root).CurrentFile("wwwroot/assets/asset300.js"));
    }

    /// <summary>A publish folder of 600 small assets: a manifest of about 60 KB.</summary>
    private static SourceFolder Assets()
    {
        var source = new SourceFolder();
        for (var i = 0; i < 600; i++)
        {
            source.Write($"wwwroot/assets/asset{i:D3}.js", $"asset {i}");
        }

        return source;
    }
}
