using System.Collections.Concurrent;
using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Fleet;

/// <summary>
/// Issue 16: a fleet's host lists <c>shared/</c> at the end of its upload, as a lone host does (a
/// round trip less), when <c>shared/</c> already has every declared path, so that the listing changes
/// nothing there. A host that lacks one still has it seeded only by the link step, once every host's
/// upload is through.
/// </summary>
[TestClass]
public sealed class SharedListingInAFleetsUpload
{
    [TestMethod]
    public void Only_the_host_that_lacks_a_declared_path_lists_shared_in_a_step_of_its_own_and_each_ends_linked()
    {
        SshFleet.RequireRoot();
        using var fleet = new SshFleet(2);
        using var source = new SourceFolder().Write("app.dll", "v1").Write("App_Data/seed.txt", "from the release");
        Deploy(fleet.Settings(source.Path), new ConcurrentDictionary<string, CountingShell>());
        // App_Data/ is declared shared from the next deploy on; one host has it in shared/ already.
        var settings = fleet.Settings(source.Path) with { Shared = SharedPathList.Parse(["App_Data/"]) };
        var seeded = fleet.Servers[0];
        var lacking = fleet.Servers[1];
        seeded.RunAsUser($"mkdir -p '{SshFleet.RootOn(seeded)}/shared/App_Data' && echo 'written by the app' > '{SshFleet.RootOn(seeded)}/shared/App_Data/seed.txt'");
        source.Write("app.dll", "v2");
        var shells = new ConcurrentDictionary<string, CountingShell>();

        var release = Deploy(settings, shells);

        Assert.AreEqual(1, Listings(shells[seeded.HostSpec]), "the upload listed shared/: " + string.Join("\n-----\n", shells[seeded.HostSpec].Scripts));
        StringAssert.Contains(shells[seeded.HostSpec].Scripts.Single(s => s.Contains(SharedSeedScripts.SeedMarker, StringComparison.Ordinal)), "tar -x", "in the upload script");
        Assert.AreEqual(2, Listings(shells[lacking.HostSpec]), "the upload's listing printed nothing; the link step listed and seeded");
        foreach (var (server, expected) in new[] { (seeded, "written by the app\n"), (lacking, "from the release") })
        {
            var tree = new RemoteTree(SshFleet.RootOn(server));
            Assert.AreEqual($"releases/{release}", tree.CurrentLink, server.HostSpec);
            Assert.AreEqual("v2", tree.CurrentFile("app.dll"));
            Assert.AreEqual("../../shared/App_Data", new DirectoryInfo(tree.ReleasePath(release, "App_Data")).LinkTarget, server.HostSpec);
            Assert.AreEqual(expected, tree.CurrentFile("App_Data/seed.txt"), server.HostSpec);
        }
    }

    private static string Deploy(DeploySettings settings, ConcurrentDictionary<string, CountingShell> shells)
    {
        using var deployment = Deployment.Open(settings, new RecordingLog(), t => shells[t.Name] = new CountingShell(EngineDeploy.Connect(t.Ssh!)));
        return deployment.Run(DateTime.UtcNow, CancellationToken.None);
    }

    /// <summary>The scripts that list (and may seed) shared/.</summary>
    private static int Listings(CountingShell shell) => shell.Scripts.Count(s => s.Contains(SharedSeedScripts.SeedMarker, StringComparison.Ordinal));
}
