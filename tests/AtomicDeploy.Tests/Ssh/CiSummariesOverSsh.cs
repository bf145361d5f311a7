using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Issue 19: with <c>GITHUB_STEP_SUMMARY</c> set the deploy appends a Markdown table of its hosts; in
/// Azure Pipelines it writes the same table to a file that its own upload line names. What a server
/// sent reaches the table sanitised and escaped.
/// </summary>
[TestClass]
public sealed class CiSummariesOverSsh
{
    [TestMethod]
    public void A_deploy_appends_one_row_per_host_to_the_step_summary_and_attaches_the_same_file_in_Azure()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var ci = new TempFolder();
        var stepSummary = ci.Combine("step-summary.md");
        File.WriteAllText(stepSummary, "earlier step\n");
        using var source = new SourceFolder().Write("app.dll", "v1").Write("wwwroot/index.html", "<h1>one</h1>");
        var log = new RecordingLog();

        var release = Deploy(server, root, source.Path, new CiSummaryTargets(stepSummary, ci.Path), log);

        var lines = File.ReadAllLines(stepSummary);
        Assert.AreEqual("earlier step", lines[0], "the summary is appended");
        Assert.AreEqual($"### AtomicDeploy: release {release} deployed to {root}", lines[1]);
        Assert.AreEqual("| Host | Release | Files | Sent | Time | Outcome |", lines[3]);
        var rows = lines.Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(1).ToArray();
        Assert.HasCount(1, rows);
        StringAssert.StartsWith(rows[0], $"| {Escaped(server)} | {release} | 2 added, 0 changed, 0 removed | ");
        StringAssert.EndsWith(rows[0], " s | deployed |");
        var attached = log.UploadedSummaries.Single();
        Assert.AreEqual(ci.Path, Path.GetDirectoryName(attached));
        Assert.AreEqual(File.ReadAllText(stepSummary), "earlier step\n" + File.ReadAllText(attached), "Azure gets the same Markdown");
    }

    [TestMethod]
    public void A_failed_deploy_gives_each_host_its_code_and_message_with_the_servers_text_defused()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var ci = new TempFolder();
        var stepSummary = ci.Combine("step-summary.md");
        using var source = new SourceFolder().Write("app.dll", "v1");
        var hooks = CheckedDeploy.Hooks(before: "printf 'a | b <img src=x> [l](http://e) `c`\\n::error::boom\\n##vso[task.setvariable variable=x]y\\n'; exit 3");
        var settings = EngineDeploy.Deploy(root, source.Path, hooks: hooks) with { CiSummary = new CiSummaryTargets(stepSummary, null) };
        using var deployment = EngineDeploy.Open(EngineDeploy.Connect(EngineDeploy.Settings(server)), settings);

        var failure = Assert.ThrowsExactly<DeployException>(() => deployment.Run(DateTime.UtcNow, CancellationToken.None));

        Assert.AreEqual(ErrorCodes.BeforeSwitchFailed, failure.Code);
        var lines = File.ReadAllLines(stepSummary);
        Assert.AreEqual($"### AtomicDeploy: the deploy to {root} failed ({ErrorCodes.BeforeSwitchFailed})", lines[0]);
        Assert.AreEqual("| Host | Release | Files | Sent | Time | Outcome | Error |", lines[2]);
        var row = lines.Single(l => l.StartsWith($"| {Escaped(server)} |", StringComparison.Ordinal));
        StringAssert.Contains(row, $" | failed ({ErrorCodes.BeforeSwitchFailed}), not switched | {ErrorCodes.BeforeSwitchFailed}: ");
        StringAssert.Contains(row, @"a \| b &lt;img src=x&gt; \[l\](http://e) \`c\`", "cells are escaped");
        Assert.AreEqual(8, row.Count(c => c == '|') - row.Split(@"\|").Length + 1, "the server's text adds no cell: " + row);
        Assert.IsFalse(lines.Any(l => l.Contains("##vso[", StringComparison.OrdinalIgnoreCase) || l.TrimStart().StartsWith("::", StringComparison.Ordinal)), string.Join('\n', lines));
        Assert.IsFalse(lines.Any(l => l.Contains("<img", StringComparison.Ordinal)), string.Join('\n', lines));
    }

    private static string Escaped(SshServer server) => server.HostSpec.Replace("_", "\\_", StringComparison.Ordinal);

    private static string Deploy(SshServer server, string root, string source, CiSummaryTargets targets, RecordingLog log)
    {
        var settings = EngineDeploy.Deploy(root, source) with { CiSummary = targets };
        using var deployment = EngineDeploy.Open(EngineDeploy.Connect(EngineDeploy.Settings(server)), settings, log);
        return deployment.Run(DateTime.UtcNow, CancellationToken.None);
    }
}
