using AtomicDeploy.Core.History;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class ReleaseHistoryTests
{
    private const string A = "20261101000000";
    private const string B = "20261102000000";
    private const string C = "20261103000000";

    [TestMethod]
    public void A_release_takes_the_outcome_of_its_last_deploy_line_and_rollback_lines_do_not_change_it()
    {
        var history = ReleaseHistory.From(State(live: A, A, B, C), [
            Line("deploy", A, "success", "1.0.0"),
            Line("deploy", B, "success", "1.1.0"),
            Line("deploy", B, "failed", "1.1.0"),
            Line("rollback", A, "success", "1.0.0"),
            "{torn line",
        ]);

        CollectionAssert.AreEqual(new[] { C, B, A }, history.Releases.Select(r => r.Name).ToArray(), "newest first");
        Assert.AreEqual("failed", history.Find(B)!.Outcome);
        Assert.AreEqual("unknown", history.Find(C)!.Outcome, "a folder with no history line");
        Assert.AreEqual(A, history.Live!.Name);
        Assert.AreEqual("1.0.0", history.Live.Version);
        Assert.HasCount(4, history.Records, "the torn line is skipped");
    }

    [TestMethod]
    public void The_previous_good_release_is_the_newest_older_one_that_succeeded()
    {
        var history = ReleaseHistory.From(State(live: C, A, B, C), [
            Line("deploy", A, "success", null),
            Line("deploy", B, "failed", null),
            Line("deploy", C, "success", null),
        ]);

        Assert.AreEqual(A, history.PreviousGood()!.Name);
        Assert.IsNull(ReleaseHistory.From(State(live: A, A), [Line("deploy", A, "success", null)]).PreviousGood());
    }

    [TestMethod]
    public void In_two_slot_mode_the_table_names_the_port_each_release_last_ran_in()
    {
        var history = ReleaseHistory.From(State(live: A, A, B, C), [
            Line("deploy", A, "success", "1.0.0", port: 5001),
            Line("deploy", B, "success", "1.1.0", port: 5002),
            Line("deploy", C, "failed", "1.2.0"),
            Line("rollback", A, "success", null, port: 5002),
        ]);

        var table = history.ToTable().ToArray();

        Assert.EndsWith("outcome   port", table[0]);
        StringAssert.Matches(table[1], new System.Text.RegularExpressions.Regex($@"^  {C} .* failed +-$"), "a release with no port recorded");
        StringAssert.Matches(table[2], new System.Text.RegularExpressions.Regex($@"^  {B} .* success +5002$"));
        StringAssert.Matches(table[3], new System.Text.RegularExpressions.Regex($@"^  {A} +\* .* success +5002$"), "the rollback started it in the other slot");
    }

    [TestMethod]
    public void Without_two_slot_mode_the_table_has_no_port_column()
    {
        var table = ReleaseHistory.From(State(live: A, A), [Line("deploy", A, "success", "1.0.0")]).ToTable().ToArray();

        Assert.EndsWith("outcome", table[0]);
        Assert.EndsWith("success", table[1]);
    }

    private static RemoteState State(string live, params string[] releases) => new($"releases/{live}", live, releases, null, string.Empty);

    private static string Line(string kind, string release, string outcome, string? version, int? port = null) => new DeployRecord
    {
        Event = kind,
        Release = release,
        Time = DateTime.UtcNow,
        User = "u",
        Machine = "m",
        Version = version,
        Outcome = outcome,
        Port = port,
    }.ToJsonLine();
}
