using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>Keeps what the engine logged, to assert on it.</summary>
internal sealed class RecordingLog : IDeployLog
{
    public List<string> Lines { get; } = [];

    public List<(string Code, string Message)> Warnings { get; } = [];

    public void Summary(string message) => Add(message);

    public void Info(string message) => Add(message);

    public void Detail(string message) => Add(message);

    public void Warning(string code, string message)
    {
        lock (Lines)
        {
            Warnings.Add((code, message));
        }
    }

    /// <summary>The files the engine asked Azure Pipelines to attach to the run's summary.</summary>
    public List<string> UploadedSummaries { get; } = [];

    public void CiUploadSummary(string markdownFile)
    {
        lock (Lines)
        {
            UploadedSummaries.Add(markdownFile);
        }
    }

    private void Add(string message)
    {
        lock (Lines)
        {
            Lines.Add(message);
        }
    }
}
