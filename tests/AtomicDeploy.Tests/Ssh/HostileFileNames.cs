using System.Text;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>File names that a shell would misread deploy byte for byte, and nothing in them runs.</summary>
[TestClass]
public sealed class HostileFileNames
{
    internal static readonly string[] Names =
    [
        "with space.txt",
        "it's quoted.txt",
        "double\"quote.txt",
        "$(touch PWNED).txt",
        "`touch PWNED`.txt",
        "semi;colon.txt",
        "-leading-dash.txt",
        "new\nline.txt",
        "ünïcødé ✓ 日本.txt",
        "back\\slash.txt",
        "wwwroot/dir with space/$HOME.txt",
        "tab\there.txt",
        "carriage\rreturn.txt",
        "*glob?[ab].txt",
        "~tilde.txt",
        " leading and trailing space ",
        "-rf",
        "--checkpoint-action=exec=touch PWNED",
        "$IFS&|<>(){}!#%^=.txt",
        "dir\nwith newline/$(touch PWNED)/inner.txt",
        string.Concat(Enumerable.Repeat("długa-ścieżka-", 12)) + ".txt",
        string.Join('/', Enumerable.Repeat("deep ünïcødé", 12)) + "/leaf.txt",
    ];

    private static readonly string[] Removed = ["semi;colon.txt", "new\nline.txt", "-rf"];

    [TestMethod]
    public void Hostile_names_deploy_update_and_remove_correctly()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder();
        foreach (var name in Names)
        {
            source.Write(name, "v1 " + name);
        }

        EngineDeploy.Deploy(server, root, source.Path, shared: ["-shared dir/", "$(touch PWNED)"]);
        foreach (var name in Names)
        {
            source.Write(name, "v2 " + name);
        }

        foreach (var name in Removed)
        {
            source.Delete(name);
        }

        EngineDeploy.Deploy(server, root, source.Path, shared: ["-shared dir/", "$(touch PWNED)"]);

        var current = Path.Combine(root, "current");
        foreach (var name in Names.Except(Removed))
        {
            CollectionAssert.AreEqual(Encoding.UTF8.GetBytes("v2 " + name), File.ReadAllBytes(Path.Combine(current, name)), name);
        }

        foreach (var name in Removed)
        {
            Assert.IsFalse(File.Exists(Path.Combine(current, name)), name);
        }

        Assert.IsTrue(Directory.Exists(Path.Combine(current, "-shared dir")));
        Assert.IsTrue(File.Exists(Path.Combine(root, "shared", "$(touch PWNED)")));
        var pwned = Directory.EnumerateFiles("/", "PWNED", new EnumerationOptions { RecurseSubdirectories = false }).Concat(
            Directory.EnumerateFiles(root, "PWNED", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })).Concat(
            Directory.EnumerateFiles(UserHome(server), "PWNED"));
        Assert.IsFalse(pwned.Any(), "no name was executed");
    }

    private static string UserHome(SshServer server) =>
        server.IsRoot ? ProcessRunner.Check("getent", "passwd", server.User).Split(':')[5] : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
}
