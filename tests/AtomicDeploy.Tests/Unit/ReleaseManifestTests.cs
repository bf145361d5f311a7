using System.Text;
using System.Text.Json;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Manifest;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class ReleaseManifestTests
{
    private const string Hash = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    [TestMethod]
    public void A_manifest_reads_back_exactly_as_it_was_written()
    {
        var manifest = new ReleaseManifest(
        [
            new("HelloWeb", false, 123_456, Hash, 0b111_101_101),
            new("HelloWeb.dll", false, 5_000_000_000, Hash, 0b110_100_100),
            new("empty.txt", false, 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 0b110_000_000),
            new("wwwroot", true, 0, string.Empty, 0b111_101_101),
            new("wwwroot/css", true, 0, string.Empty, 0b111_000_000),
            new("wwwroot/css/site.css", false, 42, Hash, 0b110_100_100),
        ]);

        var read = ReleaseManifest.Parse(Encoding.UTF8.GetString(manifest.ToJson("20261127121500")));

        CollectionAssert.AreEqual(manifest.Entries.ToArray(), read.Entries.ToArray());
        Assert.AreEqual(5_000_000_000L + 123_456 + 42, read.TotalBytes);
        Assert.AreEqual(4, read.FileCount);
    }

    [TestMethod]
    [DataRow("with space.txt")]
    [DataRow("it's \"quoted\".txt")]
    [DataRow("line\nbreak.txt")]
    [DataRow("tab\there.txt")]
    [DataRow("back\\slash.txt")]
    [DataRow("$HOME `id` $(id).txt")]
    [DataRow("ünïcødé ✓ 日本.txt")]
    [DataRow("emoji 🚀.txt")]
    [DataRow("folder with space/and 'quote'.txt")]
    public void A_file_name_with_any_character_survives_the_round_trip(string path)
    {
        var manifest = new ReleaseManifest([new(path, false, 7, Hash, 0b110_100_100)]);

        var read = ReleaseManifest.Parse(Encoding.UTF8.GetString(manifest.ToJson("20261127121500")));

        Assert.AreEqual(path, Assert.ContainsSingle(read.Entries).Path);
        Assert.IsTrue(read.ByPath.ContainsKey(path));
    }

    [TestMethod]
    public void The_written_manifest_names_its_release_and_format()
    {
        var manifest = new ReleaseManifest([new("a.txt", false, 1, Hash, 420), new("d", true, 0, string.Empty, 493)]);

        using var document = JsonDocument.Parse(manifest.ToJson("20261127121500"));

        Assert.AreEqual(1, document.RootElement.GetProperty("format").GetInt32());
        Assert.AreEqual("20261127121500", document.RootElement.GetProperty("release").GetString());
        var entries = document.RootElement.GetProperty("entries");
        Assert.AreEqual("f", entries[0].GetProperty("type").GetString());
        Assert.AreEqual(Hash, entries[0].GetProperty("sha256").GetString());
        Assert.AreEqual("d", entries[1].GetProperty("type").GetString());
        Assert.IsFalse(entries[1].TryGetProperty("sha256", out _), "a folder has no hash");
    }

    [TestMethod]
    public void Entries_are_sorted_by_path_so_every_folder_comes_before_its_content()
    {
        var manifest = new ReleaseManifest(
        [
            new("b/c.txt", false, 1, Hash, 420),
            new("b", true, 0, string.Empty, 493),
            new("a.txt", false, 1, Hash, 420),
        ]);

        CollectionAssert.AreEqual(new[] { "a.txt", "b", "b/c.txt" }, manifest.Entries.Select(e => e.Path).ToArray());
    }

    [TestMethod]
    public void A_folder_entry_reads_back_with_no_size_and_no_hash()
    {
        var read = ReleaseManifest.Parse(Document(new { path = "wwwroot", type = "d", mode = 493 }));

        Assert.AreEqual(new ManifestEntry("wwwroot", true, 0, string.Empty, 493), Assert.ContainsSingle(read.Entries));
    }

    [TestMethod]
    public void A_manifest_with_no_entries_is_an_empty_release()
    {
        var read = ReleaseManifest.Parse("""{"format":1,"release":"20261127121500","entries":[]}""");

        Assert.IsEmpty(read.Entries);
        Assert.AreEqual(0, read.FileCount);
    }

    [TestMethod]
    [DataRow("/etc/passwd")]
    [DataRow("/")]
    [DataRow("..")]
    [DataRow("../outside.txt")]
    [DataRow("wwwroot/../../outside.txt")]
    [DataRow("wwwroot/..")]
    [DataRow(".")]
    [DataRow("./app.dll")]
    [DataRow("wwwroot/./site.css")]
    [DataRow("wwwroot//site.css")]
    [DataRow("wwwroot/")]
    [DataRow("")]
    [DataRow("nul\0byte")]
    public void An_entry_that_is_not_a_plain_relative_path_makes_the_manifest_invalid(string path)
    {
        var json = Document(new { path, type = "f", size = 1, sha256 = Hash, mode = 420 });

        var error = Assert.ThrowsExactly<DeployException>(() => ReleaseManifest.Parse(json));

        Assert.AreEqual(ErrorCodes.RemoteStateInvalid, error.Code);
        Assert.Contains($"'{path}'", error.Message);
    }

    [TestMethod]
    public void An_entry_without_a_path_makes_the_manifest_invalid()
    {
        var error = Assert.ThrowsExactly<DeployException>(() => ReleaseManifest.Parse(Document(new { type = "f", size = 1, sha256 = Hash, mode = 420 })));

        Assert.AreEqual(ErrorCodes.RemoteStateInvalid, error.Code);
    }

    [TestMethod]
    public void A_path_listed_twice_makes_the_manifest_invalid()
    {
        var json = Document(
            new { path = "app.dll", type = "f", size = 1, sha256 = Hash, mode = 420 },
            new { path = "app.dll", type = "f", size = 2, sha256 = Hash, mode = 420 });

        var error = Assert.ThrowsExactly<DeployException>(() => ReleaseManifest.Parse(json));

        Assert.AreEqual(ErrorCodes.RemoteStateInvalid, error.Code);
        Assert.Contains("twice", error.Message);
    }

    [TestMethod]
    public void A_path_listed_as_a_file_and_as_a_folder_makes_the_manifest_invalid()
    {
        var json = Document(
            new { path = "data", type = "d", mode = 493 },
            new { path = "data", type = "f", size = 2, sha256 = Hash, mode = 420 });

        var error = Assert.ThrowsExactly<DeployException>(() => ReleaseManifest.Parse(json));

        Assert.AreEqual(ErrorCodes.RemoteStateInvalid, error.Code);
    }

    [TestMethod]
    [DataRow("{\"format\":1,\"release\":\"x\",\"entries\":[null]}", DisplayName = "null entry")]
    [DataRow("{\"format\":1,\"release\":\"x\",\"entries\":[{\"path\":\"a\",\"type\":\"f\",\"size\":1,\"sha256\":\"00\",\"mode\":-1}]}", DisplayName = "negative mode")]
    [DataRow("{\"format\":1,\"release\":\"x\",\"entries\":[{\"path\":\"a\",\"type\":\"d\",\"size\":5,\"mode\":493}]}", DisplayName = "folder with a size")]
    public void A_malformed_entry_is_refused_with_a_code_not_a_crash(string json)
    {
        var error = Assert.ThrowsExactly<DeployException>(() => ReleaseManifest.Parse(json));

        Assert.AreEqual(ErrorCodes.RemoteStateInvalid, error.Code);
    }

    [TestMethod]
    public void A_file_entry_without_a_size_is_incomplete() =>
        AssertIncomplete(new { path = "app.dll", type = "f", sha256 = Hash, mode = 420 });

    [TestMethod]
    public void A_file_entry_with_a_negative_size_is_incomplete() =>
        AssertIncomplete(new { path = "app.dll", type = "f", size = -1, sha256 = Hash, mode = 420 });

    [TestMethod]
    public void A_file_entry_without_a_hash_is_incomplete() =>
        AssertIncomplete(new { path = "app.dll", type = "f", size = 1, mode = 420 });

    [TestMethod]
    public void An_entry_without_a_type_is_incomplete() =>
        AssertIncomplete(new { path = "app.dll", size = 1, sha256 = Hash, mode = 420 });

    [TestMethod]
    public void An_entry_of_an_unknown_type_is_incomplete() =>
        AssertIncomplete(new { path = "app.dll", type = "l", size = 1, sha256 = Hash, mode = 420 });

    [TestMethod]
    [DataRow("", DisplayName = "empty")]
    [DataRow("not json at all")]
    [DataRow("{\"format\":1,\"entries\":[")]
    [DataRow("[]")]
    [DataRow("null")]
    [DataRow("{\"format\":\"1\",\"release\":\"20261127121500\",\"entries\":[]}")]
    [DataRow("{\"format\":1,\"release\":\"20261127121500\",\"entries\":{}}")]
    public void Text_that_is_not_a_manifest_is_refused(string json)
    {
        var error = Assert.ThrowsExactly<DeployException>(() => ReleaseManifest.Parse(json));

        Assert.AreEqual(ErrorCodes.RemoteStateInvalid, error.Code);
        Assert.Contains(".atomicdeploy/manifests/", error.Message, "the message says how to recover");
    }

    [TestMethod]
    [DataRow("{\"format\":2,\"release\":\"20261127121500\",\"entries\":[]}")]
    [DataRow("{\"format\":0,\"release\":\"20261127121500\",\"entries\":[]}")]
    [DataRow("{\"release\":\"20261127121500\",\"entries\":[]}")]
    [DataRow("{\"format\":1,\"release\":\"20261127121500\"}")]
    [DataRow("{}")]
    public void A_manifest_of_an_unknown_format_or_without_entries_is_refused(string json)
    {
        var error = Assert.ThrowsExactly<DeployException>(() => ReleaseManifest.Parse(json));

        Assert.AreEqual(ErrorCodes.RemoteStateInvalid, error.Code);
    }

    private static void AssertIncomplete(object entry)
    {
        var error = Assert.ThrowsExactly<DeployException>(() => ReleaseManifest.Parse(Document(entry)));

        Assert.AreEqual(ErrorCodes.RemoteStateInvalid, error.Code);
        Assert.Contains("'app.dll'", error.Message);
    }

    private static string Document(params object[] entries) =>
        JsonSerializer.Serialize(new { format = 1, release = "20261127121500", entries });
}
