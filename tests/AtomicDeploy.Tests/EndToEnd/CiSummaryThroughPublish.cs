namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>Issue 19: a <c>dotnet publish</c> in a CI job writes the deploy's summary where GitHub Actions and Azure Pipelines read it.</summary>
[TestClass]
public sealed class CiSummaryThroughPublish
{
    [TestMethod]
    public void The_step_summary_gets_the_hosts_row_and_Azure_gets_the_file_on_one_upload_line()
    {
        using var target = new TempFolder();
        var root = target.Combine("local");
        var stepSummary = target.Combine("step-summary.md");
        var agentTemp = Directory.CreateDirectory(target.Combine("agent-temp")).FullName;
        using var app = new WebApp();

        var publish = app.PublishWith(
            new Dictionary<string, string?> { ["GITHUB_STEP_SUMMARY"] = stepSummary, ["TF_BUILD"] = "True", ["AGENT_TEMPDIRECTORY"] = agentTemp },
            "-p:AtomicDeploy=true", $"-p:AtomicDeployPath={root}");

        Assert.AreEqual(0, publish.ExitCode, publish.All);
        var release = new RemoteTree(root).Releases.Single();
        var markdown = File.ReadAllText(stepSummary);
        var lines = markdown.Split('\n');
        Assert.AreEqual($"### AtomicDeploy: release {release} deployed to {root}", lines[0]);
        var row = lines.Single(l => l.StartsWith("| this machine |", StringComparison.Ordinal));
        StringAssert.Matches(row, new System.Text.RegularExpressions.Regex($@"^\| this machine \| {release} \| [0-9]+ added, 0 changed, 0 removed \| [0-9.]+ [KM]?i?B \| [0-9.]+ s \| deployed \|$"));
        var upload = publish.Output.Split('\n').Where(l => l.Contains("##vso[", StringComparison.Ordinal)).ToArray();
        Assert.HasCount(1, upload, publish.Output);
        var attached = upload[0].Trim()["##vso[task.uploadsummary]".Length..];
        StringAssert.StartsWith(upload[0].Trim(), "##vso[task.uploadsummary]" + agentTemp + Path.DirectorySeparatorChar);
        Assert.AreEqual(markdown, File.ReadAllText(attached));
    }
}
