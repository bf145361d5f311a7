namespace AtomicDeploy.Core;

/// <summary>
/// A failure the user can act on: it carries an <c>ADnnnn</c> code from <see cref="ErrorCodes"/>
/// and a one-line message that says what to do. The MSBuild tasks log it as a coded error.
/// </summary>
public sealed class DeployException : Exception
{
    /// <summary>Creates a coded failure.</summary>
    public DeployException(string code, string message, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
    }

    /// <summary>The <c>ADnnnn</c> code, listed in <c>docs/errors.md</c>.</summary>
    public string Code { get; }
}
