namespace AtomicDeploy.Core.Remote;

/// <summary>
/// A script's own coded refusal: a script that refuses on purpose exits with
/// <see cref="SharedPathScripts.RefusedExitCode"/> and writes a line <c>ADnnnn: message</c> to its
/// error output. The one place that runs a step's script turns it into that code, instead of the
/// generic "a step failed" (AD0202).
/// </summary>
public static class ScriptRefusal
{
    private static readonly string[] Codes = [ErrorCodes.SharedPathThroughLink];

    /// <summary>The refusal <paramref name="result"/> carries, or null when it is no refusal.</summary>
    public static DeployException? Find(ShellResult result)
    {
        if (result.ExitCode != SharedPathScripts.RefusedExitCode)
        {
            return null;
        }

        foreach (var line in result.Error.Split('\n'))
        {
            foreach (var code in Codes)
            {
                if (line.StartsWith(code + ": ", StringComparison.Ordinal))
                {
                    return new DeployException(code, ServerText.ForLog(line[(code.Length + 2)..]));
                }
            }
        }

        return null;
    }
}
