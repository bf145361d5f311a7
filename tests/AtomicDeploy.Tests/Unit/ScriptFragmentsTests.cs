using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// The shell fragments every script shares, each written once: their text, and what they do when
/// <c>sh</c> runs them in a deploy folder on this machine (no server needed).
/// </summary>
[TestClass]
public sealed class ScriptFragmentsTests
{
    [TestMethod]
    public void A_history_line_is_quoted_whole_and_ended_by_a_newline()
    {
        StringAssert.Contains(ScriptFragments.AppendHistory("{\"a\":\"it's\"}"), "printf '%s\\n' '{\"a\":\"it'\\''s\"}'");
        Assert.AreEqual(string.Empty, ScriptFragments.AppendHistory());

        using var folder = DeployFolder();
        Run(folder, ScriptFragments.AppendHistory("{\"n\":1}", "{\"n\":\"$(touch pwned)\"}"));

        CollectionAssert.AreEqual(new[] { "{\"n\":1}", "{\"n\":\"$(touch pwned)\"}" }, File.ReadAllLines(folder.Combine(".atomicdeploy/log.jsonl")));
        Assert.IsFalse(File.Exists(folder.Combine("pwned")), "the line is data, never run");
    }

    [TestMethod]
    public void A_torn_last_line_is_ended_before_the_next_record_so_the_two_are_never_glued()
    {
        using var folder = DeployFolder();
        File.WriteAllText(folder.Combine(".atomicdeploy/log.jsonl"), "{\"n\":1}\n{\"n\":2,\"torn");

        Run(folder, ScriptFragments.AppendHistory("{\"n\":3}"));
        Run(folder, ScriptFragments.AppendHistory("{\"n\":4}"));

        CollectionAssert.AreEqual(new[] { "{\"n\":1}", "{\"n\":2,\"torn", "{\"n\":3}", "{\"n\":4}" }, File.ReadAllLines(folder.Combine(".atomicdeploy/log.jsonl")), "no empty line either when the last line is whole");
    }

    [TestMethod]
    public void Removing_a_release_takes_its_read_only_folders_and_what_belongs_to_it_and_nothing_else()
    {
        using var folder = DeployFolder();
        Directory.CreateDirectory(folder.Combine("releases/20260101000000/locked/deep"));
        Directory.CreateDirectory(folder.Combine("releases/20260102000000"));
        File.WriteAllText(folder.Combine(".atomicdeploy/manifests/20260101000000.json"), "{}");
        File.WriteAllText(folder.Combine(".atomicdeploy/manifests/20260102000000.json"), "{}");
        ProcessRunner.Check("chmod", "0555", folder.Combine("releases/20260101000000/locked"));

        Run(folder, "r=20260101000000\n" + ScriptFragments.RemoveRelease("\"$r\""));

        Assert.IsFalse(Directory.Exists(folder.Combine("releases/20260101000000")));
        Assert.IsFalse(File.Exists(folder.Combine(".atomicdeploy/manifests/20260101000000.json")));
        Assert.IsTrue(Directory.Exists(folder.Combine("releases/20260102000000")), "another release is untouched");
        Assert.IsTrue(File.Exists(folder.Combine(".atomicdeploy/manifests/20260102000000.json")));
    }

    [TestMethod]
    public void A_hard_link_copy_shares_the_files_and_drops_the_shared_links_and_a_full_copy_shares_nothing()
    {
        using var folder = DeployFolder();
        Directory.CreateDirectory(folder.Combine("releases/20260101000000/wwwroot"));
        File.WriteAllText(folder.Combine("releases/20260101000000/app.dll"), "v1");
        File.CreateSymbolicLink(folder.Combine("releases/20260101000000/wwwroot/uploads"), "../../../shared/wwwroot/uploads");

        Run(folder, ScriptFragments.CopyRelease(ScriptFragments.Release("20260101000000"), ScriptFragments.Release("20260102000000"), CopyMode.HardLink)
            + ScriptFragments.CopyRelease(ScriptFragments.Release("20260101000000"), ScriptFragments.Release("20260103000000"), CopyMode.Copy));

        var original = RemoteTree.Inode(folder.Combine("releases/20260101000000/app.dll"));
        Assert.AreEqual(original, RemoteTree.Inode(folder.Combine("releases/20260102000000/app.dll")), "hard links");
        Assert.AreNotEqual(original, RemoteTree.Inode(folder.Combine("releases/20260103000000/app.dll")), "a full copy");
        foreach (var copy in new[] { "20260102000000", "20260103000000" })
        {
            Assert.IsEmpty(Directory.GetFileSystemEntries(folder.Combine($"releases/{copy}/wwwroot")), "the shared link is made again for the new release, not copied");
        }
    }

    [TestMethod]
    public void Current_is_replaced_by_a_rename_and_points_at_the_release()
    {
        var text = ScriptFragments.RenameCurrent(ScriptFragments.Release("20260102000000"));
        StringAssert.Contains(text, "mv -T -- ");
        Assert.DoesNotContain("rm -f -- current", text, "never unlink and create: current always exists");

        using var folder = DeployFolder();
        Directory.CreateDirectory(folder.Combine("releases/20260101000000"));
        Directory.CreateDirectory(folder.Combine("releases/20260102000000"));
        File.CreateSymbolicLink(folder.Combine("current"), "releases/20260101000000");

        Run(folder, ScriptFragments.RenameCurrent(ScriptFragments.Release("20260102000000")));

        Assert.AreEqual("releases/20260102000000", new FileInfo(folder.Combine("current")).LinkTarget);
        Assert.IsEmpty(Directory.GetFiles(folder.Path, ".current.*"), "no temporary link is left");
    }

    [TestMethod]
    public void The_shared_frontier_lists_each_entry_with_its_kind_in_the_release_and_enters_only_folders_both_have()
    {
        using var folder = DeployFolder();
        Directory.CreateDirectory(folder.Combine("shared/wwwroot/uploads/2026"));
        File.WriteAllText(folder.Combine("shared/appsettings.json"), "{}");
        Directory.CreateDirectory(folder.Combine("releases/20260101000000/wwwroot"));

        var output = Run(folder, ScriptFragments.ListSharedFrontier(ShellQuote.Quote("releases/20260101000000")));
        var records = output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();

        CollectionAssert.AreEqual(new[] { "d-wwwroot/uploads", "dd" + "wwwroot", "f-appsettings.json" }.Order(StringComparer.Ordinal).ToArray(), records, "uploads/2026 is never listed: the release has no uploads folder");
        var none = Run(folder, ScriptFragments.ListSharedFrontier("\"\"")).Split('\0', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(new[] { "d-wwwroot", "f-appsettings.json" }, none, "with no release every kind is '-'");
    }

    private static TempFolder DeployFolder()
    {
        var folder = new TempFolder();
        Directory.CreateDirectory(folder.Combine(".atomicdeploy/manifests"));
        Directory.CreateDirectory(folder.Combine("releases"));
        return folder;
    }

    private static string Run(TempFolder folder, string fragment)
    {
        using var shell = new LocalShell();
        var result = shell.Run($"set -eu\ncd -- {ShellQuote.Quote(folder.Path)}\n{fragment}", null, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.AreEqual(0, result.ExitCode, result.Error);
        return result.Output;
    }
}
