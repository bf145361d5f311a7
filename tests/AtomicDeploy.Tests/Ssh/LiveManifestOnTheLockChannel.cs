using System.Text.Json;
using System.Text.Json.Nodes;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Issue 18: the lock's channel brings the live manifest, so the publish folder is read before the
/// state query and that query leaves the manifest out. A manifest edited by hand onto several lines
/// still comes whole; one that is not a manifest is read, and refused, by the state query as before
/// (the detail log says the lock's copy was not used).
/// </summary>
[TestClass]
public sealed class LiveManifestOnTheLockChannel
{
    [TestMethod]
    public void A_manifest_edited_onto_several_lines_still_serves_and_the_deploy_sends_only_the_change()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/a.css", "a").Write("wwwroot/b.css", "b");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        var manifest = Path.Combine(root, ".atomicdeploy", "manifests", live + ".json");
        File.WriteAllText(manifest, JsonNode.Parse(File.ReadAllText(manifest))!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        source.Write("wwwroot/b.css", "b2");
        var log = new RecordingLog();

        var release = EngineDeploy.Deploy(server, root, source.Path, log);

        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{release}", tree.CurrentLink);
        Assert.AreEqual("b2", tree.CurrentFile("wwwroot/b.css"));
        Assert.AreEqual("a", tree.CurrentFile("wwwroot/a.css"));
        Assert.IsTrue(log.Lines.Any(l => l.Contains("0 added and 1 changed", StringComparison.Ordinal)), string.Join('\n', log.Lines));
        var json = File.ReadAllText(Path.Combine(root, ".atomicdeploy", "manifests", release + ".json"));
        var written = Core.Manifest.ReleaseManifest.Parse(json);
        Assert.AreEqual(written.ByPath["wwwroot/a.css"].Sha256, Core.Manifest.ReleaseManifest.Parse(File.ReadAllText(manifest)).ByPath["wwwroot/a.css"].Sha256);
        Assert.AreEqual(2, written.ByPath["wwwroot/b.css"].Size);
        Assert.AreEqual(1, Directory.GetFiles(Path.Combine(root, ".atomicdeploy", "manifests"), release + ".*").Length, "no delta or half-written manifest is left");
    }

    [TestMethod]
    public void With_a_manifest_edited_onto_several_lines_nothing_changed_is_still_seen()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        var manifest = Path.Combine(root, ".atomicdeploy", "manifests", live + ".json");
        File.WriteAllText(manifest, JsonNode.Parse(File.ReadAllText(manifest))!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).Replace("\n", "\r\n", StringComparison.Ordinal));
        var log = new RecordingLog();

        var release = EngineDeploy.Deploy(server, root, source.Path, log);

        Assert.AreEqual(live, release);
        Assert.IsTrue(log.Lines.Any(l => l.StartsWith($"AtomicDeploy: nothing changed since release {live}", StringComparison.Ordinal)), string.Join('\n', log.Lines));
    }

    [TestMethod]
    public void A_manifest_that_is_not_one_is_refused_by_the_state_query_and_the_log_says_the_lock_did_not_use_it()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        File.WriteAllText(Path.Combine(root, ".atomicdeploy", "manifests", live + ".json"), "{\"format\":1,\"release\":\"x\",\"entries\":[{\"path\":\"../escape\",\"type\":\"f\",\"size\":1,\"sha256\":\"a\",\"mode\":420}]}");
        source.Write("app.dll", "v2");
        var log = new RecordingLog();

        var failure = Assert.ThrowsExactly<Core.DeployException>(() => EngineDeploy.Deploy(server, root, source.Path, log));

        Assert.AreEqual(Core.ErrorCodes.RemoteStateInvalid, failure.Code, failure.Message);
        StringAssert.Contains(failure.Message, "'../escape' is not a plain relative path");
        Assert.IsTrue(log.Lines.Any(l => l.Contains($"the live manifest the lock's channel brought is not used ({Core.ErrorCodes.RemoteStateInvalid})", StringComparison.Ordinal)), string.Join('\n', log.Lines));
        Assert.AreEqual($"releases/{live}", new RemoteTree(root).CurrentLink);
    }

    [TestMethod]
    public void The_state_query_of_a_deploy_leaves_out_the_manifest_the_lock_brought()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        EngineDeploy.Deploy(server, root, source.Path);
        source.Write("app.dll", "v2");
        using var counting = new CountingShell(EngineDeploy.Connect(EngineDeploy.Settings(server)));

        EngineDeploy.Deploy(counting, root, source.Path);

        var query = counting.Scripts[0];
        StringAssert.Contains(query, Core.Remote.RemoteState.KnownManifest);
        Assert.IsFalse(query.Contains("cat \".atomicdeploy/manifests/$name.json\"", StringComparison.Ordinal), query);
    }
}
