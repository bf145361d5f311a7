using System.Text;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// Text a server sent (its error output), made safe to put in a build message: one line, no
/// control characters, bounded. A compromised server must not be able to start lines of its own in
/// the build log, where CI systems act on some (<c>::error::</c>, <c>##vso[...]</c>).
/// </summary>
public static class ServerText
{
    /// <summary>Longest server text kept in a message.</summary>
    public const int MaxLength = 2000;

    /// <summary><paramref name="text"/> trimmed, with its lines joined by <c> | </c> and other control characters as spaces.</summary>
    public static string OneLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var joined = new StringBuilder();
        foreach (var line in lines)
        {
            if (joined.Length > 0)
            {
                joined.Append(" | ");
            }

            foreach (var c in line)
            {
                joined.Append(char.IsControl(c) ? ' ' : c);
            }
        }

        return joined.Length <= MaxLength ? joined.ToString() : joined.ToString(0, MaxLength) + " ...";
    }
}
