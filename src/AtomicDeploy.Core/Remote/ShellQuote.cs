using System.Text;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// The one place that turns a value into a POSIX shell word. Every path or name that goes into
/// a remote script passes through <see cref="Quote"/>; nothing else in the product builds shell
/// text from data.
/// </summary>
public static class ShellQuote
{
    /// <summary>
    /// Quotes <paramref name="value"/> so that <c>sh</c> reads it back byte for byte as one word:
    /// single quotes around everything, and each single quote written as <c>'\''</c>. Inside single
    /// quotes nothing is special, so <c>$</c>, backticks, <c>;</c> and newlines stay literal.
    /// </summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A shell word cannot hold a NUL character.", nameof(value));
        }

        var quoted = new StringBuilder(value.Length + 2);
        quoted.Append('\'');
        foreach (var c in value)
        {
            if (c == '\'')
            {
                quoted.Append("'\\''");
            }
            else
            {
                quoted.Append(c);
            }
        }

        return quoted.Append('\'').ToString();
    }

    /// <summary>Quotes each value and joins them with spaces.</summary>
    public static string QuoteAll(IEnumerable<string> values) => string.Join(' ', values.Select(Quote));
}
