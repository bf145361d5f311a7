namespace AtomicDeploy.Tests.Fleet;

/// <summary>
/// Issue 18 on a fleet: hosts sharing one stream may hold different things, so the stream leaves
/// out only what every host of it can reuse, and a host that then refuses a source is sent the file alone.
/// </summary>
[TestClass]
public sealed class ContentReuseAcrossAFleet
{
    private const int Size = 200_000;

    [TestMethod]
    public void The_shared_stream_leaves_out_only_what_every_host_holds_and_a_host_whose_copy_is_wrong_gets_the_file_alone()
    {
        SshFleet.RequireRoot();

        using var fleet = new SshFleet(3);
        using var source = new TempFolder("atomicdeploy-source-");
        byte[] a = Random(1), b = Random(2);
        File.WriteAllBytes(source.Combine("a.bin"), a);
        var first = fleet.Deploy(source.Path);
        File.WriteAllBytes(source.Combine("a.bin"), b);
        var second = fleet.Deploy(source.Path);
        var third = fleet.Servers[2];
        Directory.Delete(Path.Combine(SshFleet.RootOn(third), "releases", first), true);
        File.Delete(Path.Combine(SshFleet.RootOn(third), ".atomicdeploy", "manifests", first + ".json"));
        File.WriteAllBytes(source.Combine("a.bin"), a);
        var log = new RecordingLog();

        var reverted = fleet.Deploy(source.Path, log: log);

        var all = string.Join('\n', log.Lines);
        CollectionAssert.Contains(log.Lines, $"AtomicDeploy: one compressed stream for 3 hosts with the same changes ({fleet.HostList.Replace(";", ", ", StringComparison.Ordinal)}).", all);
        Assert.IsFalse(all.Contains("linked from earlier releases", StringComparison.Ordinal), "the third host lacks the first release, so a.bin travels to all: " + all);
        foreach (var server in fleet.Servers)
        {
            CollectionAssert.AreEqual(a, File.ReadAllBytes(Path.Combine(SshFleet.RootOn(server), "releases", reverted, "a.bin")), server.HostSpec);
        }

        // Every host holds b in the second release; the third host's copy is then damaged in place.
        var damaged = (byte[])b.Clone();
        damaged[0] ^= 0xFF;
        File.WriteAllBytes(Path.Combine(SshFleet.RootOn(third), "releases", second, "a.bin"), damaged);
        File.WriteAllBytes(source.Combine("a.bin"), b);
        log = new RecordingLog();

        var again = fleet.Deploy(source.Path, log: log);

        all = string.Join('\n', log.Lines);
        foreach (var server in fleet.Servers)
        {
            CollectionAssert.AreEqual(b, File.ReadAllBytes(Path.Combine(SshFleet.RootOn(server), "releases", again, "a.bin")), server.HostSpec);
            var summary = log.Lines.Single(l => l.StartsWith($"AtomicDeploy: [{server.HostSpec}] release {again}: ", StringComparison.Ordinal));
            Assert.AreEqual(server != third, summary.Contains("1 linked from earlier releases", StringComparison.Ordinal), summary);
        }

        StringAssert.Contains(all, $"1 of the files to take from earlier releases in {fleet.Root} on {third.HostSpec} were not there as their manifest records them");
        StringAssert.Contains(log.Lines.Single(l => l.StartsWith("AtomicDeploy: deployed release", StringComparison.Ordinal)), "(0 added, 1 changed, 0 removed, some linked from earlier releases (each host's line says how many), ", "the same changes on every host, taken from earlier releases on some");
    }

    private static byte[] Random(int seed)
    {
        var bytes = new byte[Size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
