using System.Globalization;

namespace AtomicDeploy.Core.Planning;

/// <summary>One server to deploy to, parsed from <c>host</c>, <c>host:port</c>, <c>user@host:port</c> or <c>[ipv6]:port</c>.</summary>
public sealed record HostAddress(string User, string Host, int Port)
{
    /// <summary>How the host is written in OpenSSH's known_hosts: <c>host</c> on port 22, else <c>[host]:port</c>.</summary>
    public string KnownHostsName => Port == 22 ? Host : $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    public override string ToString() => $"{User}@{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses one host string strictly; <paramref name="defaultUser"/> and <paramref name="defaultPort"/> fill what it does not name.</summary>
    public static HostAddress Parse(string text, string defaultUser, int defaultPort)
    {
        var value = text.Trim();
        var user = defaultUser;
        var at = value.LastIndexOf('@');
        if (at >= 0)
        {
            user = value[..at];
            value = value[(at + 1)..];
        }

        string host;
        var port = defaultPort;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Invalid(text, "an opening '[' has no closing ']'");
            }

            host = value[1..close];
            var rest = value[(close + 1)..];
            if (rest.Length > 0)
            {
                port = rest.StartsWith(':') ? ParsePort(text, rest[1..]) : throw Invalid(text, "only ':port' may follow ']'");
            }
        }
        else
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0 && value.IndexOf(':', colon + 1) >= 0)
            {
                throw Invalid(text, "an IPv6 address must be written in brackets, e.g. [2001:db8::1]:22");
            }

            host = colon >= 0 ? value[..colon] : value;
            if (colon >= 0)
            {
                port = ParsePort(text, value[(colon + 1)..]);
            }
        }

        if (!IsValidUser(user))
        {
            throw Invalid(text, $"the user name '{user}' is empty or holds characters a user name cannot have");
        }

        if (host.Length == 0 || host.StartsWith('-') || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '@' or '[' or ']' or '\'' or '"' or ';' or '`' or '$' or '\\'))
        {
            throw Invalid(text, "the host name is empty, starts with '-' or holds characters a host name cannot have");
        }

        // known_hosts reads these as patterns and separators: a host named with them could match
        // entries recorded for other hosts, or be recorded as a pattern trusting them.
        if (host.Any(c => c is '*' or '?' or '!' or ',' or '|' or '#'))
        {
            throw Invalid(text, "the host name holds a character known_hosts reads as a pattern (* ? ! , | #)");
        }

        if (port is < 1 or > 65535)
        {
            throw Invalid(text, "the port must be between 1 and 65535");
        }

        return new HostAddress(user, host, port);
    }

    private static int ParsePort(string text, string port) =>
        int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 65535
            ? value
            : throw Invalid(text, $"'{port}' is not a port number between 1 and 65535");

    private static bool IsValidUser(string user) =>
        user.Length > 0 && !user.StartsWith('-') && user.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '$');

    private static DeployException Invalid(string text, string why) =>
        new(ErrorCodes.HostInvalid, $"AtomicDeployHost '{text}' cannot be used: {why}. Write it as host, host:port or user@host:port.");
}
