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

    private static bool Matches(ReadOnlySpan<char> text, ReadOnlySpan<char> pattern) => Wildcard.Matches(text, pattern, ignoreCase: true);
}
