using AtomicDeploy.Core;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Unit;

/// <summary>The fragment that creates declared shared paths: its text, and what /bin/sh does with it in a real folder.</summary>
[TestClass]
public sealed class SharedPathScriptsTests
{
    [TestMethod]
    public void Each_declared_path_is_one_quoted_call_and_json_files_are_marked()
    {
        var script = SharedPathScripts.CreateDeclared(["uploads/images", "it's"], ["appsettings.Production.json", "config/$(touch x).env"]);

        StringAssert.Contains(script, "shared_path d 'uploads/images'\n");
        StringAssert.Contains(script, "shared_path d 'it'\\''s'\n");
        StringAssert.Contains(script, "shared_path j 'appsettings.Production.json'\n");
        StringAssert.Contains(script, "shared_path f 'config/$(touch x).env'\n");
        Assert.DoesNotContain("mkdir -p", script, "mkdir -p follows links in the path");
        StringAssert.Contains(script, "ln -T --");
        StringAssert.Contains(script, "pwd -P");
    }

    [TestMethod]
    public void No_declared_path_adds_no_lines()
    {
        Assert.AreEqual(string.Empty, SharedPathScripts.CreateDeclared([], []));
    }

    [TestMethod]
    public void Declared_paths_are_created_in_shared()
    {
        using var root = new TempFolder();
        Directory.CreateDirectory(root.Combine("shared"));
        Directory.CreateDirectory(root.Combine(".atomicdeploy"));

        var result = Run(root, ["uploads/images", "-dash"], ["config/appsettings.json", "config/deep/secrets.env"]);

        Assert.AreEqual(0, result.ExitCode, result.Error);
        Assert.IsTrue(Directory.Exists(root.Combine("shared", "uploads", "images")));
        Assert.IsTrue(Directory.Exists(root.Combine("shared", "-dash")));
        Assert.AreEqual("{}\n", File.ReadAllText(root.Combine("shared", "config", "appsettings.json")));
        Assert.AreEqual(0, new FileInfo(root.Combine("shared", "config", "deep", "secrets.env")).Length);
        Assert.IsEmpty(Directory.GetFiles(root.Combine(".atomicdeploy")), "the files it links from are gone");
        Assert.AreEqual(0, Run(root, ["uploads/images"], ["config/appsettings.json"]).ExitCode, "paths that exist are kept");
    }

    [TestMethod]
    public void Two_json_files_are_separate_files_not_links_of_one()
    {
        using var root = new TempFolder();
        Directory.CreateDirectory(root.Combine("shared"));
        Directory.CreateDirectory(root.Combine(".atomicdeploy"));

        Assert.AreEqual(0, Run(root, [], ["a.json", "b.json"]).ExitCode);
        File.WriteAllText(root.Combine("shared", "a.json"), "{\"changed\":1}");

        Assert.AreEqual("{}\n", File.ReadAllText(root.Combine("shared", "b.json")));
    }

    [TestMethod]
    [DataRow("config", "config/appsettings.json", false)]
    [DataRow("config", "config/keys/", true)]
    [DataRow("config/keys", "config/keys/", true)]
    [DataRow("secrets.env", "secrets.env", false)]
    public void A_symlink_anywhere_in_a_declared_path_is_refused_naming_it_and_nothing_is_created_through_it(string link, string declared, bool folder)
    {
        using var root = new TempFolder();
        using var outside = new TempFolder();
        Directory.CreateDirectory(root.Combine("shared", "config"));
        Directory.CreateDirectory(root.Combine(".atomicdeploy"));
        if (link == "config")
        {
            Directory.Delete(root.Combine("shared", "config"));
        }

        File.CreateSymbolicLink(root.Combine("shared", link), outside.Path);

        var result = Run(root, folder ? [declared.TrimEnd('/')] : [], folder ? [] : [declared]);

        Assert.AreEqual(SharedPathScripts.RefusedExitCode, result.ExitCode, result.Error);
        StringAssert.StartsWith(result.Error, $"{ErrorCodes.SharedPathThroughLink}: shared/{link} is a symbolic link (to {outside.Path})");
        Assert.IsEmpty(Directory.GetFileSystemEntries(outside.Path), "nothing was created outside shared/");
        var refusal = ScriptRefusal.Find(result);
        Assert.AreEqual(ErrorCodes.SharedPathThroughLink, refusal?.Code);
        StringAssert.Contains(refusal!.Message, $"shared/{link} is a symbolic link");
    }

    [TestMethod]
    public void A_dangling_link_where_a_file_is_declared_is_refused_and_its_target_not_created()
    {
        using var root = new TempFolder();
        using var outside = new TempFolder();
        Directory.CreateDirectory(root.Combine("shared"));
        Directory.CreateDirectory(root.Combine(".atomicdeploy"));
        File.CreateSymbolicLink(root.Combine("shared", "appsettings.json"), outside.Combine("planted.json"));

        var result = Run(root, [], ["appsettings.json"]);

        Assert.AreEqual(SharedPathScripts.RefusedExitCode, result.ExitCode);
        Assert.IsFalse(File.Exists(outside.Combine("planted.json")));
    }

    [TestMethod]
    public void Another_failure_is_no_refusal()
    {
        Assert.IsNull(ScriptRefusal.Find(new ShellResult(1, string.Empty, "AD0220: x")));
        Assert.IsNull(ScriptRefusal.Find(new ShellResult(3, string.Empty, "tar: error")));
    }

    /// <summary>Runs the fragment with /bin/sh; a refusal is returned, not thrown, so its text can be checked.</summary>
    private static ShellResult Run(TempFolder root, string[] folders, string[] files) =>
        ProcessShell($"set -eu\ncd -- {ShellQuote.Quote(root.Path)}\n" + SharedPathScripts.CreateDeclared(folders, files));

    private static ShellResult ProcessShell(string script)
    {
        var result = ProcessRunner.Run("/bin/sh", ["-c", script]);
        return new ShellResult(result.ExitCode, result.Output, result.Error);
    }

    [TestMethod]
    public void The_local_shell_turns_the_refusal_into_its_code()
    {
        using var root = new TempFolder();
        using var outside = new TempFolder();
        Directory.CreateDirectory(root.Combine(".atomicdeploy"));
        Directory.CreateDirectory(root.Combine("shared"));
        File.CreateSymbolicLink(root.Combine("shared", "config"), outside.Path);

        var refusal = Assert.ThrowsExactly<DeployException>(() => new LocalShell().Run($"set -eu\ncd -- {ShellQuote.Quote(root.Path)}\n" + SharedPathScripts.CreateDeclared(["config/keys"], []), null, TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.AreEqual(ErrorCodes.SharedPathThroughLink, refusal.Code);
        StringAssert.StartsWith(refusal.Message, "shared/config is a symbolic link");
    }
}
