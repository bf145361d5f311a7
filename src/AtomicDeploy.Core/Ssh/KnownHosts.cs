using System.Security.Cryptography;
using System.Text;

namespace AtomicDeploy.Core.Ssh;

/// <summary>What known_hosts says of a key a server offered.</summary>
public enum HostKeyVerdict
{
    /// <summary>The key is recorded for the host.</summary>
    Trusted,

    /// <summary>Nothing is recorded for the host with this key type.</summary>
    Unknown,

    /// <summary>Other keys are recorded for the host, and not this one: possibly an attack.</summary>
    Changed,

    /// <summary>The key is marked <c>@revoked</c> on a line whose patterns match the host.</summary>
    Revoked,

    /// <summary>No key is recorded for the host, but a <c>@cert-authority</c> line matches it: the host expects certificates, which are not supported.</summary>
    CertificateAuthorityOnly,
}

/// <summary>One line of an OpenSSH known_hosts file.</summary>
/// <param name="Marker">Empty, <c>@revoked</c> or <c>@cert-authority</c>.</param>
/// <param name="Patterns">The comma-separated host patterns (plain, wildcard, negated or hashed).</param>
/// <param name="KeyType">For example <c>ssh-ed25519</c>.</param>
/// <param name="Key">The public key blob.</param>
public sealed record KnownHostsEntry(string Marker, string Patterns, string KeyType, byte[] Key);

/// <summary>
/// An OpenSSH known_hosts file: plain and hashed (<c>|1|salt|hash</c>) host names, <c>[host]:port</c>
/// for other ports, <c>*</c>/<c>?</c> wildcards, <c>!</c> negation, several keys per host and
/// <c>@revoked</c> markers (for the hosts their patterns match, as OpenSSH applies them).
/// <c>@cert-authority</c> lines never trust a key here: host certificates are not supported, and a
/// host that only such a line covers is reported rather than silently treated as unknown.
/// </summary>
public sealed class KnownHosts
{
    private readonly IReadOnlyList<KnownHostsEntry> _entries;

    private KnownHosts(IReadOnlyList<KnownHostsEntry> entries) => _entries = entries;

    /// <summary>Parses the text of a known_hosts file; malformed lines are skipped, as OpenSSH does.</summary>
    public static KnownHosts Parse(string text)
    {
        var entries = new List<KnownHostsEntry>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var marker = fields[0].StartsWith('@') ? fields[0] : string.Empty;
            var offset = marker.Length > 0 ? 1 : 0;
            if (fields.Length < offset + 3)
            {
                continue;
            }

            try
            {
                entries.Add(new KnownHostsEntry(marker, fields[offset], fields[offset + 1], Convert.FromBase64String(fields[offset + 2])));
            }
            catch (FormatException)
            {
                // A line whose key is not base64 is ignored, as OpenSSH ignores it.
            }
        }

        return new KnownHosts(entries);
    }

    /// <summary>Reads a known_hosts file; a missing file is an empty one, anything else that cannot be read throws.</summary>
    public static KnownHosts Load(string path) => Path.Exists(path) ? Parse(File.ReadAllText(path)) : new KnownHosts([]);

    /// <summary>Key types recorded (unrevoked) for <paramref name="hostName"/>.</summary>
    public IReadOnlyList<string> KeyTypesFor(string hostName) =>
        _entries.Where(e => e.Marker.Length == 0 && Matches(e.Patterns, hostName)).Select(e => e.KeyType).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Judges the key <paramref name="key"/> of type <paramref name="keyType"/> offered by <paramref name="hostName"/> (written as in known_hosts).</summary>
    public HostKeyVerdict Verify(string hostName, string keyType, byte[] key)
    {
        // Only lines whose patterns match the host count, @revoked ones included, as in OpenSSH;
        // a revoked key wins over the same key listed as trusted.
        var matching = _entries.Where(e => Matches(e.Patterns, hostName)).ToArray();
        if (matching.Any(e => e.Marker == "@revoked" && e.Key.AsSpan().SequenceEqual(key)))
        {
            return HostKeyVerdict.Revoked;
        }

        var plain = matching.Where(e => e.Marker.Length == 0).ToArray();
        if (plain.Any(e => e.Key.AsSpan().SequenceEqual(key)))
        {
            return HostKeyVerdict.Trusted;
        }

        // Any key recorded for the host, of whatever type, makes an unrecorded key a changed one:
        // a stranger could otherwise offer a type the entries do not cover.
        if (plain.Length > 0)
        {
            return HostKeyVerdict.Changed;
        }

        return matching.Any(e => e.Marker == "@cert-authority") ? HostKeyVerdict.CertificateAuthorityOnly : HostKeyVerdict.Unknown;
    }

    /// <summary>The line to add to known_hosts for a key, as <c>ssh-keyscan</c> would print it.</summary>
    public static string LineFor(string hostName, string keyType, byte[] key) => $"{hostName} {keyType} {Convert.ToBase64String(key)}";

    /// <summary>True when one of the comma-separated <paramref name="patterns"/> matches and none of the negated ones does.</summary>
    public static bool Matches(string patterns, string hostName)
    {
        if (patterns.StartsWith("|1|", StringComparison.Ordinal))
        {
            return MatchesHashed(patterns, hostName);
        }

        var matched = false;
        foreach (var pattern in patterns.Split(','))
        {
            var negated = pattern.StartsWith('!');
            var body = negated ? pattern[1..] : pattern;
            if (Wildcard(body.ToLowerInvariant(), hostName.ToLowerInvariant()))
            {
                if (negated)
                {
                    return false;
                }

                matched = true;
            }
        }

        return matched;
    }

    private static bool MatchesHashed(string field, string hostName)
    {
        var parts = field.Split('|');
        if (parts.Length != 4)
        {
            return false;
        }

        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var expected = Convert.FromBase64String(parts[3]);
#pragma warning disable CA5350 // OpenSSH's hashed known_hosts format is defined as HMAC-SHA1; it is matched, not chosen.
            var actual = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(hostName.ToLowerInvariant()));
#pragma warning restore CA5350
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool Wildcard(string pattern, string text) => Ssh.Wildcard.Matches(text, pattern, ignoreCase: false);
}
