namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Issue 18: the upload is compressed with zstd where the server has it (fewer bytes than gzip),
/// and with gzip where it does not; either way every byte arrives, and a fleet of both kinds gets
/// one stream per kind.
/// </summary>
[TestClass]
public sealed class ZstdWhereTheServerHasIt
{
    // Random bytes over two 4 MB members, and text that compresses.
    private static readonly byte[] Large = new Random(18).GetItems(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), 9 << 20);

    [TestMethod]
    public void A_server_with_zstd_gets_a_zstd_stream_and_every_byte()
    {
        Assert.IsTrue(File.Exists("/usr/bin/zstd"), "the test machine has zstd (build/test.sh installs it)");
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = Source();
        var log = new RecordingLog();

        var release = EngineDeploy.Deploy(server, root, source.Path, log);

        CollectionAssert.Contains(log.Lines, $"  compressed with zstd ({root} on {server.HostSpec} has it)", string.Join('\n', log.Lines));
        AssertArrived(source, new RemoteTree(root), release);

        source.Write("wwwroot/site.css", "body { color: blue }");
        var next = EngineDeploy.Deploy(server, root, source.Path);

        AssertArrived(source, new RemoteTree(root), next);
    }

    [TestMethod]
    public void A_server_without_zstd_gets_gzip_and_every_byte()
    {
        using var tools = new TempFolder();
        using var server = SshServer.StartWithPath(PathWithout.Folder(tools, "zstd"));
        var root = server.NewDeployFolder();
        using var source = Source();
        var log = new RecordingLog();

        var release = EngineDeploy.Deploy(server, root, source.Path, log);

        CollectionAssert.Contains(log.Lines, $"  compressed with gzip ({root} on {server.HostSpec} has no zstd)", string.Join('\n', log.Lines));
        AssertArrived(source, new RemoteTree(root), release);
    }

    [TestMethod]
    public void A_fleet_with_and_without_zstd_gets_a_stream_of_each_kind()
    {
        SshFleet.RequireRoot();
        using var tools = new TempFolder();
        var withoutZstd = PathWithout.Folder(tools, "zstd");
        using var fleet = new SshFleet(3, i => i == 2 ? withoutZstd : null);
        using var source = Source();
        var log = new RecordingLog();

        var release = fleet.Deploy(source.Path, log: log);

        var all = string.Join('\n', log.Lines);
        CollectionAssert.Contains(log.Lines, $"AtomicDeploy: one compressed stream for 2 hosts with the same changes ({fleet.Servers[0].HostSpec}, {fleet.Servers[1].HostSpec}).", all);
        Assert.AreEqual(2, log.Lines.Count(l => l.Contains("]   compressed with zstd (", StringComparison.Ordinal)), all);
        Assert.AreEqual(1, log.Lines.Count(l => l.Contains("]   compressed with gzip (", StringComparison.Ordinal)), all);
        foreach (var server in fleet.Servers)
        {
            AssertArrived(source, new RemoteTree(SshFleet.RootOn(server)), release);
        }
    }

    private static SourceFolder Source()
    {
        var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/site.css", string.Concat(Enumerable.Repeat("body { color: red }\n", 5000)));
        File.WriteAllBytes(Path.Combine(source.Path, "large.bin"), Large);
        return source;
    }

    private static void AssertArrived(SourceFolder source, RemoteTree tree, string release)
    {
        Assert.AreEqual($"releases/{release}", tree.CurrentLink);
        foreach (var file in new[] { "app.dll", "wwwroot/site.css", "large.bin" })
        {
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(source.Path, file)), File.ReadAllBytes(tree.ReleasePath(release, file)), file);
        }
    }
}
