namespace AtomicDeploy.Core;

/// <summary>Where the engine reports progress; the MSBuild tasks send it to the build log.</summary>
public interface IDeployLog
{
    /// <summary>A line every user should see (high importance).</summary>
    void Summary(string message);

    /// <summary>A progress line (normal verbosity).</summary>
    void Info(string message);

    /// <summary>A detail line (detailed verbosity).</summary>
    void Detail(string message);

    /// <summary>A coded warning.</summary>
    void Warning(string code, string message);

    /// <summary>
    /// Asks Azure Pipelines to attach <paramref name="markdownFile"/> (a file this build wrote) to the
    /// run's summary: the one line the tool writes unsanitised, holding only that path. Logs that
    /// are no build log ignore it.
    /// </summary>
    void CiUploadSummary(string markdownFile)
    {
    }
}
