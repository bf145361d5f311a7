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
    /// asks for more than it still needs), and a subshell runs them. Then the command reads the
    /// rest of its input up to its end before it exits with the script's status: the channel must
    /// not close before the client's end of input has arrived. SSH.NET checks that the channel is
    /// open before it takes the lock that orders its end of input after its close, so an end of
    /// input sent as the server closes the channel can follow the close, and OpenSSH then drops the
    /// whole connection ("ieof packet referred to nonexistent channel"): the deploy lock's channel
    /// with it. No single quote, so it can be put in one for the login shell.
    /// </summary>
    public const string Command = "IFS= read -r n && s=\"$(head -c \"$n\")\" || exit 70; (eval \"$s\"); r=$?; cat >/dev/null 2>&1; exit $r";

    /// <summary>Writes the length line and <paramref name="script"/> to <paramref name="input"/>.</summary>
    public static void Write(Stream input, string script)
    {
        var bytes = Encoding.UTF8.GetBytes(script);
        input.Write(Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture) + "\n"));
        input.Write(bytes);
    }
}
