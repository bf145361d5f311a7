using System.Text;

namespace AtomicDeploy.Core.Ssh;

/// <summary>One line of an ssh config file: its keyword (lower case), its arguments, and where it was.</summary>
/// <param name="Keyword">The keyword, lower case (keywords are not case-sensitive).</param>
/// <param name="Arguments">The arguments, unquoted.</param>
/// <param name="File">The file it is in.</param>
/// <param name="Line">Its line number, from 1.</param>
public sealed record SshConfigLine(string Keyword, IReadOnlyList<string> Arguments, string File, int Line)
{
    /// <summary>Where the line is, for messages: <c>file:line</c>.</summary>
    public string Where => $"{File}:{Line}";

    /// <summary>The first argument (every supported keyword but Host, Match and Include takes one).</summary>
    public string Value => Arguments.Count > 0 ? Arguments[0] : string.Empty;

    /// <summary>
    /// Splits a line as ssh_config(5) does: a keyword, then arguments separated by white space or
    /// one <c>=</c>, double quotes around arguments with spaces, <c>#</c> starting a comment. Null
    /// for a blank or comment line.
    /// </summary>
    public static SshConfigLine? Parse(string text, string file, int line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var quoted = false;
        var equalsSeen = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c) || (c == '=' && words.Count == (inWord ? 0 : 1) && !equalsSeen))
            {
                equalsSeen |= c == '=';
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else if (c == '#' && !inWord)
            {
                break;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (quoted)
        {
            throw new DeployException(ErrorCodes.SshConfigInvalid, $"The ssh config line {file}:{line} has an opening '\"' without a closing one. Fix the line.");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words.Count == 0 ? null : new SshConfigLine(words[0].ToLowerInvariant(), words.Skip(1).ToArray(), file, line);
    }
}
