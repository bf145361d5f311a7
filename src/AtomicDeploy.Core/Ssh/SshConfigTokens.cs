using System.Globalization;
using System.Text;

namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// ssh_config(5)'s tokens in file names: <c>%h</c> the host name (after HostName), <c>%n</c> the
/// name the user gave, <c>%r</c> the remote user, <c>%u</c> the local user, <c>%p</c> the port,
/// <c>%d</c> the home folder, <c>%%</c> a percent sign; and a leading <c>~</c> for the home folder.
/// </summary>
public static class SshConfigTokens
{
    /// <summary>Expands the tokens of <paramref name="text"/>; an unknown token is a coded error naming <paramref name="where"/>.</summary>
    public static string Expand(string text, string where, string host, string originalHost, string remoteUser, string localUser, int port, string homeFolder)
    {
        text = LocalPath.UnderHome(text, homeFolder) ?? text;

        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                result.Append(text[i]);
                continue;
            }

            if (++i >= text.Length)
            {
                throw Unknown(where, "%");
            }

            result.Append(text[i] switch
            {
                '%' => "%",
                'h' => host,
                'n' => originalHost,
                'r' => remoteUser,
                'u' => localUser,
                'p' => port.ToString(CultureInfo.InvariantCulture),
                'd' => homeFolder,
                var other => throw Unknown(where, "%" + other),
            });
        }

        return result.ToString();
    }

    /// <summary>HostName's tokens: only <c>%h</c> (the name given) and <c>%%</c>.</summary>
    public static string ExpandHostName(string text, string originalHost) =>
        text.Replace("%%", "\0", StringComparison.Ordinal).Replace("%h", originalHost, StringComparison.Ordinal).Replace('\0', '%');

    private static DeployException Unknown(string where, string token) =>
        new(ErrorCodes.SshConfigInvalid, $"The ssh config line {where} uses the token '{token}', which is not supported here: use %h, %n, %r, %u, %p, %d or %%.");
}
