using System.Security.Cryptography;
using System.Text;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// The state query's list of what the kept releases hold that the live one does not, run by
/// /bin/sh on manifests as the deploy writes them: every file record is found, whatever its path
/// holds, once per content, and nothing the live release has.
/// </summary>
[TestClass]
public sealed class KeptFilesScript
{
    private const string Live = "20260101000003", Older = "20260101000001", Old = "20260101000002";

    [TestMethod]
    public void Kept_releases_list_each_content_the_live_release_lacks_once_whatever_the_paths_hold()
    {
        using var root = new TempFolder();
        foreach (var release in new[] { Older, Old, Live })
        {
            Directory.CreateDirectory(root.Combine("releases", release));
        }

        Directory.CreateDirectory(root.Combine(".atomicdeploy", "manifests"));
        File.CreateSymbolicLink(root.Combine("current"), "releases/" + Live);
        Write(root, Live, new ReleaseManifest([Entry("a.txt", "a")]));
        // A path with a quote, a backslash and the text that starts a record, one with a non-ASCII
        // letter, a folder, a content the live release has, one content twice, and a hash that is not one.
        Write(root, Older, new ReleaseManifest([Entry("q\"uote\\ {\"path\":x.txt", "b"), new ManifestEntry("dir", true, 0, string.Empty, 493), Entry("café.txt", "c"), Entry("a-again.txt", "a")]));
        Write(root, Old, new ReleaseManifest([Entry("d.txt", "d", 384), Entry("dup-of-c.txt", "c"), new ManifestEntry("short-hash.txt", false, 1, "abc", 420)]));
        using var shell = new LocalShell();

        var result = shell.Run(RemoteScripts.ReadState(root.Path, keptFiles: true), null, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.AreEqual(0, result.ExitCode, result.Error);
        var kept = RemoteState.Parse(result.Output, "web1").KeptElsewhere!;
        CollectionAssert.AreEqual(
            new[]
            {
                new KeptFile(Older, "café.txt", 1, Hash("c"), 420),
                new KeptFile(Older, "q\"uote\\ {\"path\":x.txt", 1, Hash("b"), 420),
                new KeptFile(Old, "d.txt", 1, Hash("d"), 384),
            },
            kept.ToArray(),
            result.Output[result.Output.IndexOf("atomicdeploy-kept", StringComparison.Ordinal)..]);
    }

    private static ManifestEntry Entry(string path, string content, int mode = 420) => new(path, false, content.Length, Hash(content), mode);

    private static string Hash(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    private static void Write(TempFolder root, string release, ReleaseManifest manifest) =>
        File.WriteAllBytes(root.Combine(".atomicdeploy", "manifests", release + ".json"), manifest.ToJson(release));
}
