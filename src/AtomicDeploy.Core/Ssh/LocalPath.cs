namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// Paths on the build machine as users write them in the properties, on Linux, macOS and Windows:
/// <c>~</c> (<c>~/.ssh/deploy</c>, or <c>~\.ssh\deploy</c> on Windows) is the home folder, and on
/// Windows <c>%USERPROFILE%</c> and other <c>%NAME%</c> variables are expanded as cmd does.
/// Paths under a home folder are joined in its own style (<c>C:\Users\me\.ssh\known_hosts</c>), so
/// the defaults read on Windows what OpenSSH for Windows reads there. A folder is taken as a Windows
/// one by its form (<c>C:\</c>, <c>\\server\share</c>), which lets the tests inject the platform.
/// </summary>
public static class LocalPath
{
    /// <summary>Whether <paramref name="folder"/> is written as a Windows path: a drive (<c>C:\</c>, <c>C:/</c>) or a share (<c>\\server</c>).</summary>
    public static bool IsWindows(string folder) =>
        (folder.Length >= 3 && char.IsAsciiLetter(folder[0]) && folder[1] == ':' && folder[2] is '\\' or '/') || folder.StartsWith(@"\\", StringComparison.Ordinal);

    /// <summary><paramref name="parts"/> under <paramref name="folder"/>, with the folder's separator.</summary>
    public static string Join(string folder, params string[] parts)
    {
        if (!IsWindows(folder))
        {
            return Path.Combine([folder, .. parts.Select(p => p.TrimStart('/'))]);
        }

        return string.Join('\\', new[] { folder.TrimEnd('\\', '/') }.Concat(parts.Select(p => p.Replace('/', '\\').Trim('\\'))).Where(p => p.Length > 0));
    }

    /// <summary>
    /// <paramref name="path"/> as the user means it: a leading <c>~</c> is <paramref name="home"/>;
    /// under a Windows home, <c>%NAME%</c> is the variable's value from <paramref name="environment"/>
    /// (<c>%USERPROFILE%</c> is the home folder when the variable is unset), and an unknown one stays as written.
    /// </summary>
    public static string Expand(string path, string home, Func<string, string?> environment) =>
        UnderHome(path, home) ?? (IsWindows(home) ? Variables(path, home, environment) : path);

    /// <summary>
    /// <paramref name="path"/> with its leading <c>~</c> as <paramref name="home"/> (<c>~</c>, <c>~/x</c>,
    /// and under a Windows home <c>~\x</c>), or null when it does not start so: the one rule for the
    /// properties, the ssh config's file names and its <c>Include</c> lines.
    /// </summary>
    public static string? UnderHome(string path, string home) =>
        path == "~" ? home
        : path.StartsWith("~/", StringComparison.Ordinal) || (IsWindows(home) && path.StartsWith(@"~\", StringComparison.Ordinal)) ? Join(home, path[2..])
        : null;

    private static string Variables(string path, string home, Func<string, string?> environment)
    {
        var result = new System.Text.StringBuilder();
        var at = 0;
        while (at < path.Length)
        {
            var start = path.IndexOf('%', at);
            var end = start < 0 ? -1 : path.IndexOf('%', start + 1);
            if (end < 0)
            {
                result.Append(path, at, path.Length - at);
                break;
            }

            var name = path[(start + 1)..end];
            var value = name.Length == 0 ? null
                : environment(name) is { Length: > 0 } set ? set
                : string.Equals(name, "USERPROFILE", StringComparison.OrdinalIgnoreCase) ? home
                : null;
            // An unknown name stays as written, and its closing % may open the next one, as in cmd.
            result.Append(path, at, start - at).Append(value ?? path[start..end]);
            at = value is null ? end : end + 1;
        }

        return result.ToString();
    }
}
