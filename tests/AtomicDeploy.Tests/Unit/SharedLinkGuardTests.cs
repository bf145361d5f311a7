using AtomicDeploy.Core;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Planning;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class SharedLinkGuardTests
{
    [TestMethod]
    public void Only_links_whose_target_is_the_one_a_deploy_gives_their_path_are_shared_links()
    {
        Assert.AreEqual(new LiveSharedLink("data", true), LiveSharedLink.FromLine("link d ../../shared/data\tdata"));
        Assert.AreEqual(new LiveSharedLink("wwwroot/uploads/a.png", false), LiveSharedLink.FromLine("link f ../../../../shared/wwwroot/uploads/a.png\twwwroot/uploads/a.png"));
        Assert.IsNull(LiveSharedLink.FromLine("link f /etc/hostname\tcache/host"), "a link the app made");
        Assert.IsNull(LiveSharedLink.FromLine("link d ../../shared/other\tdata"), "a link to another shared path");
        Assert.IsNull(LiveSharedLink.FromLine("link d ../shared/data\tdata"), "a link one level off");
        Assert.IsNull(LiveSharedLink.FromLine("link d ../../shared/../x\t../x"), "a path that leaves the release");
        Assert.IsNull(LiveSharedLink.FromLine("link d"));
        Assert.IsNull(LiveSharedLink.FromLine("link d ../../shared/data data"), "no tab");
        Assert.IsNull(LiveSharedLink.FromLine("history d ../../shared/data\tdata"), "another line of the lock's channel");
    }

    [TestMethod]
    public void A_file_published_where_a_folder_above_the_link_was_takes_the_link_away_too()
    {
        var next = Manifest(("wwwroot", false), ("App.dll", false));
        var error = Assert.ThrowsExactly<DeployException>(() => SharedLinkGuard.Check([new LiveSharedLink("wwwroot/uploads", true)], Shared(), Shared(), next, "/srv/app on web1"));

        Assert.AreEqual(ErrorCodes.SharedLinkWouldBeLost, error.Code);
        StringAssert.Contains(error.Message, "wwwroot/uploads/ (the publish output ships wwwroot)");
    }

    [TestMethod]
    public void A_link_is_kept_when_a_declared_path_covers_it_or_the_output_lacks_it_and_may_go_when_unshared()
    {
        var next = Manifest(("data", true), ("data/notes.txt", false), ("App.dll", false));
        SharedLinkGuard.Check([new LiveSharedLink("data", true)], Shared("data/"), Shared(), next, "here");
        SharedLinkGuard.Check([new LiveSharedLink("data/notes.txt", false)], Shared("data/"), Shared(), next, "here");
        SharedLinkGuard.Check([new LiveSharedLink("logs", true)], Shared(), Shared(), next, "here");
        SharedLinkGuard.Check([new LiveSharedLink("data", true)], Shared(), Shared("data/"), next, "here");
        // A declared path below the link: the new release links it, and the entries of shared/data it lacks.
        SharedLinkGuard.Check([new LiveSharedLink("data", true)], Shared("data/uploads/"), Shared(), next, "here");

        var error = Assert.ThrowsExactly<DeployException>(() => SharedLinkGuard.Check([new LiveSharedLink("data", true), new LiveSharedLink("App.dll", false)], Shared("dta/", "logs/app.log"), Shared("data/other/"), next, "here"));
        StringAssert.Contains(error.Message, "these paths to shared/, but the new release would hold the published copy instead: App.dll (the publish output ships App.dll), data/ (the publish output ships data/notes.txt)");
        StringAssert.Contains(error.Message, "AtomicDeploySharedPaths is 'dta/;logs/app.log'");
        StringAssert.Contains(error.Message, "add 'App.dll;data/' to AtomicDeploySharedPaths");
    }

    [TestMethod]
    public void A_long_list_of_links_is_cut_so_the_fix_stays_in_the_message()
    {
        var links = Enumerable.Range(0, 200).Select(i => new LiveSharedLink($"folder{i:000}", true)).ToArray();
        var next = Manifest([.. links.Select(l => (l.Path, true))]);

        var error = Assert.ThrowsExactly<DeployException>(() => SharedLinkGuard.Check(links, Shared(), Shared(), next, "here"));

        StringAssert.Contains(error.Message, "folder019/ (the publish output ships folder019) and 180 more.");
        StringAssert.Contains(error.Message, "folder019/;...' to AtomicDeploySharedPaths");
        Assert.IsTrue(error.Message.Length < 4000, error.Message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        StringAssert.EndsWith(error.Message, "shared/ keeps what is there, untouched.");
    }

    private static SharedPathList Shared(params string[] paths) => SharedPathList.Parse(paths);

    private static ReleaseManifest Manifest(params (string Path, bool IsDirectory)[] entries) =>
        new(entries.Select(e => new ManifestEntry(e.Path, e.IsDirectory, e.IsDirectory ? 0 : 1, e.IsDirectory ? string.Empty : new string('a', 64), e.IsDirectory ? 0x1ed : 0x1a4)));
}
