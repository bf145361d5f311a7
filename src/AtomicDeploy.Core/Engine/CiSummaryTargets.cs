namespace AtomicDeploy.Core.Engine;

/// <summary>
/// Where a CI system wants a summary of the deploy: GitHub Actions names a file to append Markdown to
/// (<c>GITHUB_STEP_SUMMARY</c>); Azure Pipelines (<c>TF_BUILD=True</c>) attaches a Markdown file
/// that a <c>##vso[task.uploadsummary]</c> line names, written in <paramref name="AzureFolder"/>.
/// </summary>
/// <param name="GitHubStepSummary">The file to append to, or null outside GitHub Actions.</param>
/// <param name="AzureFolder">The folder for the Azure Pipelines summary file, or null outside Azure Pipelines.</param>
public sealed record CiSummaryTargets(string? GitHubStepSummary, string? AzureFolder)
{
    /// <summary>No CI summary.</summary>
    public static CiSummaryTargets None { get; } = new(null, null);

    /// <summary>The targets the environment of this build names.</summary>
    public static CiSummaryTargets FromEnvironment(Func<string, string?> variable)
    {
        var gitHub = variable("GITHUB_STEP_SUMMARY");
        var azure = string.Equals(variable("TF_BUILD"), "True", StringComparison.OrdinalIgnoreCase)
            ? variable("AGENT_TEMPDIRECTORY") is { Length: > 0 } agentTemp ? agentTemp : Path.GetTempPath()
            : null;
        return new CiSummaryTargets(string.IsNullOrWhiteSpace(gitHub) ? null : gitHub, azure);
    }
}
