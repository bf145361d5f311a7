using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>A before-switch command that writes into its release and then fails leaves the live release as it was, byte for byte, although the new release is a hard-link copy of it.</summary>
[TestClass]
public sealed class BeforeSwitchCannotTouchTheLiveRelease
{
    [TestMethod]
    public void A_failing_command_that_appended_to_appsettings_and_rewrote_files_in_place_leaves_the_live_release_unchanged()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder()
            .Write("App.dll", "v1").Write("appsettings.json", "{\"a\":1}").Write("appsettings.Production.json", "{\"b\":2}")
            .Write("config/app.config", "<c/>").Write("wwwroot/site.css", "body{}");
        var live = CheckedDeploy.Deploy(server, root, source.Path);
        var before = Snapshot(root, live);
        source.Write("App.dll", "v2");

        // Appends in place (>>), rewrites in place (truncating >), adds a file, then fails.
        var command = "echo '// migrated' >> appsettings.json && echo '{}' > appsettings.Production.json && echo x >> App.dll && echo y >> config/app.config && echo new > added.txt && exit 4";
        var failure = Assert.ThrowsExactly<DeployException>(() => CheckedDeploy.Deploy(server, root, source.Path, CheckedDeploy.Hooks(before: command)));

        Assert.AreEqual(ErrorCodes.BeforeSwitchFailed, failure.Code);
        var tree = new RemoteTree(root);
        Assert.AreEqual($"releases/{live}", tree.CurrentLink);
        var after = Snapshot(root, live);
        CollectionAssert.AreEqual(before.Keys.ToArray(), after.Keys.ToArray(), "the same files");
        foreach (var (path, bytes) in before)
        {
            CollectionAssert.AreEqual(bytes, after[path], $"{path} of the live release is unchanged");
        }

        source.Write("App.dll", "v3");
        var next = CheckedDeploy.Deploy(server, root, source.Path);
        Assert.AreEqual("{\"a\":1}", File.ReadAllText(tree.ReleasePath(next, "appsettings.json")), "the next release is made from the untouched live one");
    }

    private static SortedDictionary<string, byte[]> Snapshot(string root, string release)
    {
        var folder = Path.Combine(root, "releases", release);
        return new SortedDictionary<string, byte[]>(
            Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes),
            StringComparer.Ordinal);
    }
}
