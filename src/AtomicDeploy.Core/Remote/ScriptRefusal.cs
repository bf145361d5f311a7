namespace AtomicDeploy.Core.Remote;

/// <summary>
/// A script's own coded refusal: a script that refuses on purpose exits with
/// <see cref="ExitCode"/> and writes a line <c>ADnnnn: message</c> to its
/// error output. Both shells turn it into that code as the script ends, instead of leaving the
/// caller to report the generic "a step failed" (AD0202). Only the codes listed here count, so
/// the worst a server can do with such a line is change which code a failure has.
/// </summary>
public static class ScriptRefusal
{
    /// <summary>Exit code of a script that refuses on purpose.</summary>
    public const int ExitCode = 3;

    private static readonly string[] Codes = [ErrorCodes.SharedPathThroughLink, ErrorCodes.LockHolderNotNamed];

    /// <summary>Returns <paramref name="result"/>, or throws the refusal it carries.</summary>
    public static ShellResult ThrowIfRefused(ShellResult result) => Find(result) is { } refusal ? throw refusal : result;

    /// <summary>The refusal <paramref name="result"/> carries, or null when it is no refusal.</summary>
    public static DeployException? Find(ShellResult result)
    {
        if (result.ExitCode != ExitCode)
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
