using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// The prune's survey at the end of the switch script, run under <c>sh</c>: its output counts only
/// when the survey finished, so one that failed is asked again by the prune, never read as
/// "nothing in use"; and it cannot fail the switch script around it.
/// </summary>
[TestClass]
public sealed class PruneSurveyScriptTests
{
    [TestMethod]
    public void A_finished_survey_is_read_and_a_failed_one_is_not_and_neither_fails_the_script()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.Combine(".atomicdeploy"));
        File.WriteAllText(folder.Combine(".atomicdeploy", "log.jsonl"), "{\"event\":\"deploy\"}\n");

        var finished = ProcessRunner.Run("sh", ["-c", "set -eu\n" + PruneScripts.SurveyAfterTheSwitch(folder.Path) + "echo after"]);
        var failed = ProcessRunner.Run("sh", ["-c", "set -eu\n" + PruneScripts.SurveyAfterTheSwitch(folder.Combine("missing")) + "echo after"]);

        Assert.AreEqual(0, finished.ExitCode, finished.All);
        StringAssert.StartsWith(PruneScripts.SurveyIn(finished.Output), PruneScripts.HistoryPrefix + "{\"event\":\"deploy\"}\n");
        Assert.AreEqual(0, failed.ExitCode, failed.All);
        StringAssert.EndsWith(failed.Output, "after\n");
        Assert.IsNull(PruneScripts.SurveyIn(failed.Output), failed.Output);
    }
}
