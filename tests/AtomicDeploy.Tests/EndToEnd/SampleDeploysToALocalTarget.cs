namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>The README's first command: the sample deploys with no server at all.</summary>
[TestClass]
public sealed class SampleDeploysToALocalTarget
{
    [TestMethod]
    public void The_sample_publishes_into_a_local_target_and_prints_where()
    {
        using var target = new TempFolder();
        var root = target.Combine("HelloWeb");

        var (tree, release) = PublishSample(target, root, "-c", "Release", "-p:AtomicDeploy=true");
        Assert.AreEqual($"releases/{release}", tree.CurrentLink);
        StringAssert.Contains(tree.CurrentFile("wwwroot/index.html"), "Hello from HelloWeb");
        Assert.AreEqual("../../shared/App_Data", new FileInfo(tree.ReleasePath(release, "App_Data")).LinkTarget);
    }

    [TestMethod]
    public void The_sample_Production_profile_turns_the_deploy_on_by_itself()
    {
        using var target = new TempFolder();
        var root = target.Combine("HelloWeb-production");

        // Only the path is overridden, so the test does not write into the repository's artifacts folder.
        var (tree, release) = PublishSample(target, root, "-p:PublishProfile=Production");
        Assert.AreEqual("../../shared/appsettings.Production.json", new FileInfo(tree.ReleasePath(release, "appsettings.Production.json")).LinkTarget, "the profile's shared paths are used");
    }

    /// <summary>Publishes the sample with <paramref name="arguments"/> into <paramref name="root"/>, checks that one release was deployed, and returns it.</summary>
    private static (RemoteTree Tree, string Release) PublishSample(TempFolder target, string root, params string[] arguments)
    {
        var result = DotNet.Run(
            ["publish", Repository.Combine("samples", "HelloWeb"), .. arguments, $"-p:AtomicDeployPath={root}"],
            Repository.Root,
            null,
            target.Combine("tmp"));

        Assert.AreEqual(0, result.ExitCode, result.All);
        var tree = new RemoteTree(root);
        var release = tree.Releases.Single();
        StringAssert.Contains(result.Output, $"AtomicDeploy: deployed release {release} to {root} on this machine");
        return (tree, release);
    }
}
