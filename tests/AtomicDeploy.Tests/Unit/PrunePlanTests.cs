using AtomicDeploy.Core.Planning;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class PrunePlanTests
{
    private static readonly string[] FiveReleases =
        ["20261101000000", "20261102000000", "20261103000000", "20261104000000", "20261105000000"];

    [TestMethod]
    public void The_newest_releases_are_kept_and_the_rest_deleted_oldest_first()
    {
        var doomed = PrunePlan.ReleasesToDelete(FiveReleases, live: "20261105000000", keep: 3);

        CollectionAssert.AreEqual(new[] { "20261101000000", "20261102000000" }, doomed.ToArray());
    }

    [TestMethod]
    public void The_order_the_releases_are_listed_in_does_not_matter()
    {
        string[] shuffled = ["20261103000000", "20261105000000", "20261101000000", "20261104000000", "20261102000000"];

        var doomed = PrunePlan.ReleasesToDelete(shuffled, live: "20261105000000", keep: 2);

        CollectionAssert.AreEqual(new[] { "20261101000000", "20261102000000", "20261103000000" }, doomed.ToArray());
    }

    [TestMethod]
    public void An_old_live_release_after_a_rollback_is_never_deleted()
    {
        var doomed = PrunePlan.ReleasesToDelete(FiveReleases, live: "20261101000000", keep: 3);

        CollectionAssert.AreEqual(new[] { "20261102000000" }, doomed.ToArray());
    }

    [TestMethod]
    public void Keeping_one_keeps_only_the_live_release_when_it_is_the_newest()
    {
        var doomed = PrunePlan.ReleasesToDelete(FiveReleases, live: "20261105000000", keep: 1);

        CollectionAssert.AreEqual(FiveReleases[..4], doomed.ToArray());
    }

    [TestMethod]
    public void Keeping_one_with_an_old_live_release_keeps_the_newest_and_the_live_one()
    {
        var doomed = PrunePlan.ReleasesToDelete(FiveReleases, live: "20261102000000", keep: 1);

        CollectionAssert.AreEqual(new[] { "20261101000000", "20261103000000", "20261104000000" }, doomed.ToArray());
    }

    [TestMethod]
    public void Without_a_live_release_only_the_newest_are_kept()
    {
        var doomed = PrunePlan.ReleasesToDelete(FiveReleases, live: null, keep: 4);

        CollectionAssert.AreEqual(new[] { "20261101000000" }, doomed.ToArray());
    }

    [TestMethod]
    public void Fewer_releases_than_the_number_to_keep_deletes_nothing()
    {
        Assert.IsEmpty(PrunePlan.ReleasesToDelete(FiveReleases[..2], live: "20261102000000", keep: 3));
        Assert.IsEmpty(PrunePlan.ReleasesToDelete(FiveReleases, live: "20261105000000", keep: 5));
    }

    [TestMethod]
    public void Folders_whose_names_are_not_release_names_are_never_deleted()
    {
        string[] folders =
        [
            "20261101000000",
            "2026110100000",
            "202611010000000",
            "2026-11-01",
            "20261101000000.old",
            "backup-20261101000000",
            " 20261101000001",
            "2026110100000a",
            "current",
            ".atomicdeploy",
            "",
            "20261105000000",
        ];

        var doomed = PrunePlan.ReleasesToDelete(folders, live: "20261105000000", keep: 1);

        CollectionAssert.AreEqual(new[] { "20261101000000" }, doomed.ToArray());
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(-1)]
    [DataRow(int.MinValue)]
    public void Keeping_fewer_than_one_release_is_refused(int keep)
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => PrunePlan.ReleasesToDelete(FiveReleases, "20261105000000", keep));
    }

    [TestMethod]
    public void Failed_releases_go_first_and_kept_ones_stay_whatever_their_age()
    {
        var failed = new HashSet<string> { "20261103000000", "20261104000000" };

        var doomed = PrunePlan.ReleasesToDelete(FiveReleases, failed, ["20261105000000"], keep: 2);
        var withInUse = PrunePlan.ReleasesToDelete(FiveReleases, failed, ["20261105000000", "20261101000000", "20261104000000"], keep: 2);

        CollectionAssert.AreEqual(new[] { "20261101000000", "20261103000000", "20261104000000" }, doomed.ToArray(), "keep=2 keeps the two newest good ones: 05 and 02");
        CollectionAssert.AreEqual(new[] { "20261103000000" }, withInUse.ToArray(), "a kept release stays, failed or old");
    }
}
