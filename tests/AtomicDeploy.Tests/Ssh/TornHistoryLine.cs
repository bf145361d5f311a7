using AtomicDeploy.Core.Operations;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>A history line torn by a full disk costs only itself: the next record is whole, and the release list says a line was skipped.</summary>
[TestClass]
public sealed class TornHistoryLine
{
    [TestMethod]
    public void After_a_torn_last_line_the_next_deploy_is_recorded_and_the_list_shows_both_releases_as_good()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        var first = EngineDeploy.Deploy(server, root, source.Path);
        server.RunAsUser($"printf '%s' '{{\"event\":\"deploy\",\"release\":\"2026' >> '{root}/.atomicdeploy/log.jsonl'");
        source.Write("app.dll", "v2");
        var second = EngineDeploy.Deploy(server, root, source.Path);
        var log = new RecordingLog();

        using (var deployment = EngineDeploy.Open(server, root, null, log))
        {
            ReleaseList.Run(deployment, CancellationToken.None);
        }

        var table = log.Lines.Where(l => l.StartsWith("  2", StringComparison.Ordinal)).ToArray();
        Assert.HasCount(2, table, string.Join('\n', log.Lines));
        StringAssert.Matches(table[0], new System.Text.RegularExpressions.Regex($@"^  {second} +\* .* success$"), "the record after the torn line is whole");
        StringAssert.Matches(table[1], new System.Text.RegularExpressions.Regex($@"^  {first} .* success$"));
        Assert.IsTrue(log.Lines.Any(l => l.Contains("1 line(s) of the history", StringComparison.Ordinal) && l.Contains("were skipped", StringComparison.Ordinal)), string.Join('\n', log.Lines));
        Assert.AreEqual(first, CheckedDeploy.Rollback(server, root), "rollback sees the first release as good");
    }
}
