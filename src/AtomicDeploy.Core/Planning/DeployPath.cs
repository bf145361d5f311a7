namespace AtomicDeploy.Core.Planning;

/// <summary>Checks of the deploy path and of paths relative to it, made before anything touches a server.</summary>
public static class DeployPath
{
    private static readonly string[] SystemRoots =
    [
        "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/media", "/mnt",
        "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var",
        "/usr/bin", "/usr/lib", "/usr/local", "/usr/sbin", "/usr/share", "/var/lib", "/var/log", "/var/www",
    ];

    /// <summary>
    /// Validates <c>AtomicDeployPath</c> and returns it normalised (no trailing or doubled slashes).
    /// The path must be absolute, must not hold <c>.</c> or <c>..</c> segments, and must not be
    /// <c>/</c> or a system folder such as <c>/etc</c> or <c>/var/www</c> (a folder below them is fine).
    /// </summary>
    public static string Validate(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new DeployException(ErrorCodes.PathMissing,
                "AtomicDeployPath is not set. Set it to the absolute folder on the server that will hold releases/, shared/ and current, e.g. /srv/myapp.");
        }

        if (!path.StartsWith('/'))
        {
            throw Unsafe(path, "it is not absolute (it must start with /)");
        }

        if (path.Contains('\0', StringComparison.Ordinal) || path.Contains('\n', StringComparison.Ordinal) || path.Contains('\r', StringComparison.Ordinal))
        {
            throw Unsafe(path, "it holds a control character");
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s is "." or ".."))
        {
            throw Unsafe(path, "it holds a '.' or '..' segment");
        }

        var normalised = "/" + string.Join('/', segments);
        if (normalised == "/" || SystemRoots.Contains(normalised, StringComparer.Ordinal))
        {
            throw Unsafe(normalised, "it is / or a system folder; use a folder of its own below it, e.g. /srv/myapp");
        }

        return normalised;
    }

    /// <summary>
    /// Validates a path relative to a folder of the layout (a shared path, a manifest entry):
    /// not empty, not absolute, no empty, <c>.</c> or <c>..</c> segments, no NUL. Returns it without a trailing slash.
    /// </summary>
    public static bool TryNormaliseRelative(string? path, out string normalised)
    {
        normalised = string.Empty;
        if (string.IsNullOrEmpty(path) || path.StartsWith('/') || path.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        var trimmed = path.AsSpan().TrimEnd('/');
        if (!HasPlainSegments(trimmed))
        {
            return false;
        }

        normalised = trimmed.Length == path.Length ? path : trimmed.ToString();
        return true;
    }

    /// <summary>
    /// Whether <paramref name="path"/> is what <see cref="TryNormaliseRelative"/> accepts and leaves
    /// as it is (no trailing slash), read in place: every path of a listing from the server is checked.
    /// </summary>
    public static bool IsPlainRelative(ReadOnlySpan<char> path) =>
        !path.IsEmpty && path[0] != '/' && path[^1] != '/' && !path.Contains('\0') && HasPlainSegments(path);

    /// <summary>Whether <paramref name="path"/> is not empty and has no empty, <c>.</c> or <c>..</c> segment.</summary>
    private static bool HasPlainSegments(ReadOnlySpan<char> path)
    {
        if (path.IsEmpty)
        {
            return false;
        }

        var rest = path;
        while (true)
        {
            var slash = rest.IndexOf('/');
            if ((slash < 0 ? rest : rest[..slash]) is "" or "." or "..")
            {
                return false;
            }

            if (slash < 0)
            {
                return true;
            }

            rest = rest[(slash + 1)..];
        }
    }

    private static DeployException Unsafe(string path, string why) =>
        new(ErrorCodes.PathUnsafe, $"AtomicDeployPath '{path}' is refused because {why}. Nothing was changed on the server.");
}
