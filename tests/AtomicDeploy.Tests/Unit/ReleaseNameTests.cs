using AtomicDeploy.Core.Planning;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class ReleaseNameTests
{
    private static readonly DateTime Now = new(2026, 11, 27, 12, 15, 0, 789, DateTimeKind.Utc);

    [TestMethod]
    public void The_name_is_the_UTC_time_to_the_second()
    {
        Assert.AreEqual("20261127121500", ReleaseName.Next(Now, []));
        Assert.AreEqual("20260102030405", ReleaseName.Next(new DateTime(2026, 1, 2, 3, 4, 5, 999, DateTimeKind.Utc), []));
    }

    [TestMethod]
    public void A_local_time_is_converted_to_UTC()
    {
        var local = Now.ToLocalTime();

        Assert.AreEqual("20261127121500", ReleaseName.Next(local, []));
    }

    [TestMethod]
    [DataRow("20261327120000")]
    [DataRow("00000000000000")]
    [DataRow("99999999999999")]
    [DataRow("20261127121500\n")]
    public void Fourteen_digits_that_are_no_valid_time_are_not_a_release_and_are_ignored(string name)
    {
        Assert.IsFalse(ReleaseName.IsReleaseName(name));
        Assert.AreEqual("20261127121500", ReleaseName.Next(Now, [name]));
    }

    [TestMethod]
    public void A_release_at_the_end_of_time_is_a_coded_error() =>
        Assert.AreEqual(AtomicDeploy.Core.ErrorCodes.RemoteStateInvalid, Assert.ThrowsExactly<AtomicDeploy.Core.DeployException>(() => ReleaseName.Next(Now, ["99991231235959"])).Code);

    [TestMethod]
    public void A_name_that_exists_is_followed_by_the_next_free_second()
    {
        Assert.AreEqual("20261127121501", ReleaseName.Next(Now, ["20261127121500"]));
        Assert.AreEqual("20261127121503", ReleaseName.Next(Now, ["20261127121502", "20261127121500", "20261127121501"]));
    }

    [TestMethod]
    public void The_name_is_later_than_every_existing_release_even_when_the_clock_is_behind()
    {
        var name = ReleaseName.Next(Now, ["20261127110000", "20261127130000", "20261127120000"]);

        Assert.AreEqual("20261127130001", name);
    }

    [TestMethod]
    public void The_next_second_carries_into_the_next_minute_day_and_year()
    {
        Assert.AreEqual("20261127121600", ReleaseName.Next(Now, ["20261127121559"]));
        Assert.AreEqual("20270101000000", ReleaseName.Next(Now, ["20261231235959"]));
    }

    [TestMethod]
    public void Older_releases_and_other_folder_names_do_not_change_the_name()
    {
        var name = ReleaseName.Next(Now, ["20261127121459", "20200101000000", "current", "99999999999999x", "299912312359590"]);

        Assert.AreEqual("20261127121500", name);
    }

    [TestMethod]
    public void A_new_name_is_a_release_name_and_sorts_after_every_existing_one()
    {
        string[] existing = ["20261127121500", "20261127121501", "20251231235959"];

        var name = ReleaseName.Next(Now, existing);

        Assert.IsTrue(ReleaseName.IsReleaseName(name));
        Assert.IsTrue(existing.All(e => string.CompareOrdinal(e, name) < 0), $"{name} must sort after {string.Join(", ", existing)}");
    }

    [TestMethod]
    public void A_name_reads_back_as_the_UTC_time_it_stands_for()
    {
        var time = ReleaseName.Parse("20261127121500");

        Assert.AreEqual(new DateTime(2026, 11, 27, 12, 15, 0, DateTimeKind.Utc), time);
        Assert.AreEqual(DateTimeKind.Utc, time.Kind);
    }

    [TestMethod]
    [DataRow("20261127121500")]
    [DataRow("19991231235959")]
    [DataRow("20240229000000")]
    public void Fourteen_digits_that_form_a_UTC_time_make_a_release_name(string name)
    {
        Assert.IsTrue(ReleaseName.IsReleaseName(name));
    }

    [TestMethod]
    [DataRow(null)]
    [DataRow("")]
    [DataRow("2026112712150")]
    [DataRow("202611271215000")]
    [DataRow("2026-11-27T12:15")]
    [DataRow(" 20261127121500")]
    [DataRow("20261127121500 ")]
    [DataRow("2026112712150a")]
    [DataRow("current")]
    [DataRow("٢٠٢٦١١٢٧١٢١٥٠٠")]
    public void Anything_else_is_not_a_release_name(string? name)
    {
        Assert.IsFalse(ReleaseName.IsReleaseName(name));
    }
}
