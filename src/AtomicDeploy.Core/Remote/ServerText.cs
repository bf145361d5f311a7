using System.Globalization;
using System.Text;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// The one sanitiser for text on its way to the build log. Servers, the history on them, and
/// whatever answers on a host's port before its key is verified can all put text into messages; CI
/// systems act on some lines of a build log (GitHub Actions on a line starting <c>::</c>, Azure
/// Pipelines on <c>##vso[</c> anywhere in a line), so no such text may start a line or carry a
/// command. Every line the tasks log passes through <see cref="ForLog"/>.
/// </summary>
public static class ServerText
{
    /// <summary>Longest text kept in one log line.</summary>
    public const int MaxLength = 4000;

    /// <summary>Marks where text was cut at <see cref="MaxLength"/>.</summary>
    public const string CutMarker = " ...";

    private static readonly char[] LineBreaks = ['\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029'];

    /// <summary>
    /// <paramref name="text"/> made safe for one line of the build log: its lines joined by
    /// <c> | </c> (every line break, CR included, goes), other control and invisible formatting
    /// characters as spaces, every <c>##vso[</c> and <c>##[</c> (any case) written <c>##vso\[</c> and
    /// <c>##\[</c>, a leading <c>::</c> (also after spaces) written <c>\::</c>, and at most
    /// <see cref="MaxLength"/> characters.
    /// </summary>
    public static string ForLog(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var line = DefuseCommands(JoinLines(text));
        if (line.TrimStart().StartsWith("::", StringComparison.Ordinal))
        {
            var indent = line.Length - line.TrimStart().Length;
            line = line[..indent] + "\\" + line[indent..];
        }

        return Bounded(line);
    }

    /// <summary>The same as <see cref="ForLog"/>: server error output made one safe line.</summary>
    public static string OneLine(string text) => ForLog(text);

    /// <summary>
    /// The end of a command's output for an error message: its last whole lines, at most
    /// <paramref name="max"/> characters (a longer last line keeps its end, from a word), made one
    /// safe line as <see cref="ForLog"/> does; <c>no output</c> when there is none. The message
    /// leads with what failed; the whole output is in the log above it.
    /// </summary>
    public static string LastLines(string text, int max = 500)
    {
        max = Math.Max(max, 20);
        var lines = text.Split(LineBreaks, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var kept = new List<string>();
        var length = 0;
        for (var i = lines.Length - 1; i >= 0 && length < max; i--)
        {
            var line = lines[i];
            if (length + line.Length > max)
            {
                if (kept.Count > 0)
                {
                    break;
                }

                // A last line longer than all the room: its end, from the first word that fits.
                var cut = line[^max..];
                var space = cut.IndexOf(' ', StringComparison.Ordinal);
                line = "..." + (space > 0 && space < cut.Length - 1 ? cut[space..] : " " + cut);
            }

            kept.Insert(0, line);
            length += line.Length + 3;
        }

        var cutBefore = kept.Count < lines.Length && !kept[0].StartsWith("...", StringComparison.Ordinal);
        return kept.Count == 0 ? "no output" : (cutBefore ? "... | " : string.Empty) + ForLog(string.Join('\n', kept));
    }

    private static string JoinLines(string text)
    {
        var joined = new StringBuilder(Math.Min(text.Length, MaxLength + 16));
        var pieces = text.Split(LineBreaks);
        foreach (var raw in pieces)
        {
            // The first line keeps its indent (the tasks indent detail lines); later ones are trimmed.
            var piece = joined.Length == 0 ? raw.TrimEnd() : raw.Trim();
            if (piece.Trim().Length == 0)
            {
                continue;
            }

            if (joined.Length > 0)
            {
                joined.Append(" | ");
            }

            foreach (var c in piece)
            {
                joined.Append(IsInvisible(c) ? ' ' : c);
            }

            if (joined.Length > MaxLength * 2)
            {
                break;
            }
        }

        return joined.ToString();
    }

    /// <summary>Control characters, and format characters such as bidirectional overrides that make a line read other than it is.</summary>
    private static bool IsInvisible(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;

    private static string DefuseCommands(string line)
    {
        var defused = new StringBuilder(line.Length);
        var i = 0;
        while (i < line.Length)
        {
            var length = CommandLength(line, i);
            if (length > 0)
            {
                // Kept readable, but no longer the marker a CI agent looks for.
                defused.Append(line, i, length - 1).Append("\\[");
                i += length;
            }
            else
            {
                defused.Append(line[i]);
                i++;
            }
        }

        return defused.ToString();
    }

    /// <summary>The length of <c>##vso[</c> or <c>##[</c> starting at <paramref name="at"/>, or 0.</summary>
    private static int CommandLength(string line, int at)
    {
        foreach (var marker in (string[])["##vso[", "##["])
        {
            if (string.Compare(line, at, marker, 0, marker.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                return marker.Length;
            }
        }

        return 0;
    }

    private static string Bounded(string line)
    {
        if (line.Length <= MaxLength)
        {
            return line;
        }

        var cut = char.IsHighSurrogate(line[MaxLength - 1]) ? MaxLength - 1 : MaxLength;
        return line[..cut] + CutMarker;
    }
}
