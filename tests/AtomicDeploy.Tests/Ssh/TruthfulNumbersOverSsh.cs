using System.Globalization;
using System.Text.Json;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>Issue 19: the counts count files, and the summary's time agrees with the history's durationMs.</summary>
[TestClass]
public sealed class TruthfulNumbersOverSsh
{
    [TestMethod]
    public void Unchanged_and_removed_count_files_only_and_the_switch_time_is_the_history_duration()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/css/site.css", "a").Write("old/gone.txt", "b");
        CheckedDeploy.Deploy(server, root, source.Path);
        source.Write("app.dll", "v2").Delete("old/gone.txt");
        Directory.Delete(Path.Combine(source.Path, "old"));
        var log = new RecordingLog();

        var release = CheckedDeploy.Deploy(server, root, source.Path, CheckedDeploy.Hooks(after: "sleep 1"), log: log);

        var all = string.Join('\n', log.Lines);
        Assert.IsTrue(log.Lines.Any(l => l.EndsWith("2 files published; sending 0 added and 1 changed (2 B), removing 1, keeping 1 unchanged.", StringComparison.Ordinal)), all);
        var record = JsonDocument.Parse(new RemoteTree(root).HistoryLines[^1]).RootElement;
        Assert.AreEqual(1, record.GetProperty("removed").GetInt32(), "the removed folder is not counted");
        Assert.AreEqual(1, record.GetProperty("unchanged").GetInt32(), "wwwroot and wwwroot/css are not counted");
        var toSwitch = (record.GetProperty("durationMs").GetInt64() / 1000.0).ToString("0.00", CultureInfo.InvariantCulture);
        var summary = log.Lines.Single(l => l.StartsWith("AtomicDeploy: [", StringComparison.Ordinal));
        StringAssert.Contains(summary, $"release {release}: 0 added, 1 changed, 1 removed, ");
        StringAssert.Contains(summary, $", {toSwitch} s to the switch (the history's durationMs) + ");
        var after = double.Parse(summary[(summary.IndexOf("durationMs) + ", StringComparison.Ordinal) + "durationMs) + ".Length)..summary.IndexOf(" s after it", StringComparison.Ordinal)], CultureInfo.InvariantCulture);
        Assert.IsGreaterThanOrEqualTo(1.0, after, "the after-switch command's second is counted after the switch: " + summary);
    }
}
