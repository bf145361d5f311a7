namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// ssh_config(5)'s patterns: <c>*</c> matches any run of characters, <c>?</c> exactly one, and a
/// leading <c>!</c> negates. A list matches when one of its plain patterns matches and none of
/// its negated ones does. Host names are compared without regard to case, as OpenSSH does.
/// </summary>
public static class SshConfigPattern
{
    /// <summary>True when <paramref name="text"/> matches the list <paramref name="patterns"/> (a negated match always wins).</summary>
    public static bool MatchesList(string text, IEnumerable<string> patterns)
    {
        var matched = false;
        foreach (var pattern in patterns.Where(p => p.Length > 0))
        {
            if (pattern[0] == '!')
            {
                if (Matches(text, pattern[1..]))
                {
                    return false;
                }
            }
            else if (Matches(text, pattern))
            {
                matched = true;
            }
        }

        return matched;
    }

    /// <summary>True when all of <paramref name="text"/> matches the one wildcard <paramref name="pattern"/>.</summary>
    public static bool Matches(string text, string pattern) => Matches(text.AsSpan(), pattern.AsSpan());

    private static bool Matches(ReadOnlySpan<char> text, ReadOnlySpan<char> pattern)
    {
        // Greedy with one back-tracking point, the usual linear wildcard match.
        int t = 0, p = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t])))
            {
                t++;
                p++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
