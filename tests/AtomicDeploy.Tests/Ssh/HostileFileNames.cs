using System.Text;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>File names that a shell would misread deploy byte for byte, and nothing in them runs.</summary>
[TestClass]
public sealed class HostileFileNames
{
    private static readonly string[] Names =
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
    ];

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

        source.Delete("semi;colon.txt");
        EngineDeploy.Deploy(server, root, source.Path, shared: ["-shared dir/", "$(touch PWNED)"]);

        var current = Path.Combine(root, "current");
        foreach (var name in Names.Where(n => n != "semi;colon.txt"))
        {
            CollectionAssert.AreEqual(Encoding.UTF8.GetBytes("v2 " + name), File.ReadAllBytes(Path.Combine(current, name)), name);
        }

        Assert.IsFalse(File.Exists(Path.Combine(current, "semi;colon.txt")));
        Assert.IsTrue(Directory.Exists(Path.Combine(current, "-shared dir")));
        Assert.IsTrue(File.Exists(Path.Combine(root, "shared", "$(touch PWNED)")));
        var pwned = Directory.EnumerateFiles("/", "PWNED", new EnumerationOptions { RecurseSubdirectories = false }).Concat(
            Directory.EnumerateFiles(root, "PWNED", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }));
        Assert.IsFalse(pwned.Any(), "no name was executed");
    }
}
