using AtomicDeploy.Core;
using AtomicDeploy.Core.Remote;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace AtomicDeploy.Tasks;

/// <summary>
/// Sends the engine's messages to the build log, each through <see cref="ServerText.ForLog"/>: the
/// messages quote server text (link targets, history fields, lock owners, command output), and
/// this is the one boundary every one of them crosses, so none can start a line or carry a CI command.
/// </summary>
internal sealed class MsBuildDeployLog(TaskLoggingHelper log, string? projectFile) : IDeployLog
{
    public void Summary(string message) => log.LogMessage(MessageImportance.High, ServerText.ForLog(message));

    public void Info(string message) => log.LogMessage(MessageImportance.Normal, ServerText.ForLog(message));

    public void Detail(string message) => log.LogMessage(MessageImportance.Low, ServerText.ForLog(message));

    public void Warning(string code, string message) => log.LogWarning(null, code, null, projectFile, 0, 0, 0, 0, ServerText.ForLog(message));

    // Our own command line, holding only the path of the summary file the engine wrote; a path with a
    // line break or a control character could carry another command, so none is sent.
    public void CiUploadSummary(string markdownFile)
    {
        if (!markdownFile.Any(char.IsControl))
        {
            log.LogMessage(MessageImportance.High, $"##vso[task.uploadsummary]{markdownFile}");
        }
    }
}
