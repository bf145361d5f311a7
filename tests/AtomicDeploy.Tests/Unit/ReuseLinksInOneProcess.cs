using System.Security.Cryptography;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// The server's reuse step makes its hard links all at once after the checks (one process where
/// perl is there, one <c>ln</c> each where it is not), and either way a file is kept only when it
/// proves to be the listed content. Run by <c>sh</c> in a deploy folder on this machine.
/// </summary>
[TestClass]
public sealed class ReuseLinksInOneProcess
{
    private const string Old = "20260101000000";
    private const string New = "20260102000000";

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void Renamed_files_are_hard_links_to_the_kept_release_and_a_lying_hash_is_sent_instead(bool withPerl)
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.Combine($"releases/{Old}/css"));
        Directory.CreateDirectory(folder.Combine($"releases/{New}/css"));
        Directory.CreateDirectory(folder.Combine(".atomicdeploy"));
        var lines = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            File.WriteAllText(folder.Combine($"releases/{Old}/css/site.{i}.css"), $"body {{ order: {i}; }}");
            lines.Add($"{Hash($"body {{ order: {i}; }}")}\t644\tln\treleases/{Old}/css/site.{i}.css\tcss/site.{i}.v2.css");
        }

        lines.Add($"{Hash("something else")}\t644\tln\treleases/{Old}/css/site.1.css\tcss/forged.css");
        lines.Add($"{Hash("gone")}\t644\tln\treleases/{Old}/css/missing.css\tcss/missing.css");
        File.WriteAllText(folder.Combine(ReuseScripts.ListPath(New)), string.Join("\n", lines) + "\n");
        foreach (var file in Directory.GetFiles(folder.Combine($"releases/{Old}/css")))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        var output = Run(folder, ReuseScripts.PlaceAndVerify(New, CopyMode.HardLink), withPerl);

        for (var i = 0; i < 20; i++)
        {
            var placed = folder.Combine($"releases/{New}/css/site.{i}.v2.css");
            Assert.AreEqual($"body {{ order: {i}; }}", File.ReadAllText(placed));
            Assert.AreEqual(Inode(folder.Combine($"releases/{Old}/css/site.{i}.css")), Inode(placed), "a hard link, not a copy");
        }

        Assert.IsFalse(File.Exists(folder.Combine($"releases/{New}/css/forged.css")), "content that is not what the list says is removed");
        var notReused = output.Split('\n').Where(l => l.StartsWith(ReuseScripts.NotReusedMarker, StringComparison.Ordinal)).Select(l => l[ReuseScripts.NotReusedMarker.Length..]).Order(StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(new[] { "css/forged.css", "css/missing.css" }, notReused, "the client sends these");
        Assert.IsEmpty(Directory.GetFiles(folder.Combine(".atomicdeploy")), "the list and its working files are gone");
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private static string Inode(string path) => ProcessRunner.Check("stat", "-c", "%i", path).Trim();

    /// <summary>Runs <paramref name="fragment"/> in the folder; without perl, on a PATH of every tool but perl.</summary>
    private static string Run(TempFolder folder, string fragment, bool withPerl)
    {
        var path = withPerl ? string.Empty : PathWithout.Prefix(folder, "perl");
        using var shell = new LocalShell();
        var result = shell.Run($"{path}set -eu\ncd -- {ShellQuote.Quote(folder.Path)}\n{fragment}", null, TimeSpan.FromSeconds(60), CancellationToken.None);
        Assert.AreEqual(0, result.ExitCode, result.Error + result.Output);
        return result.Output;
    }
}
