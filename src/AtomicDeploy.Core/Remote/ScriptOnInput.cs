using System.Globalization;
using System.Text;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// Sends a step's script on the standard input of a small fixed command instead of as an argument,
/// so a script of any size runs: an argument is bounded by the system (<c>Argument list too
/// long</c> for a few thousand shared links) and over SSH by the size of one packet. The input
/// starts with the script's length in bytes on a line of its own, then the script; what follows
/// (an upload's tar stream) is the script's own input, unread by the command.
/// </summary>
internal static class ScriptOnInput
{
    /// <summary>
    /// The command <c>/bin/sh -c</c> runs: <c>read</c> takes the length line (POSIX <c>read</c>
    /// never reads past the newline of a pipe), <c>head -c</c> exactly that many bytes (it never
    /// asks for more than it still needs), and the shell runs them. No single quote, so it can be put
    /// in one for the login shell.
    /// </summary>
    public const string Command = "IFS= read -r n && eval \"$(head -c \"$n\")\"";

    /// <summary>Writes the length line and <paramref name="script"/> to <paramref name="input"/>.</summary>
    public static void Write(Stream input, string script)
    {
        var bytes = Encoding.UTF8.GetBytes(script);
        input.Write(Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture) + "\n"));
        input.Write(bytes);
    }
}
