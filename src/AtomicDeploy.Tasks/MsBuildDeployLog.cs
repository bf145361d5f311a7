using AtomicDeploy.Core;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace AtomicDeploy.Tasks;

/// <summary>Sends the engine's messages to the build log.</summary>
internal sealed class MsBuildDeployLog(TaskLoggingHelper log, string? projectFile) : IDeployLog
{
    public void Summary(string message) => log.LogMessage(MessageImportance.High, message);

    public void Info(string message) => log.LogMessage(MessageImportance.Normal, message);

    public void Detail(string message) => log.LogMessage(MessageImportance.Low, message);

    public void Warning(string code, string message) => log.LogWarning(null, code, null, projectFile, 0, 0, 0, 0, message);
}
