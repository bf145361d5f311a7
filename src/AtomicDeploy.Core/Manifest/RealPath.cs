namespace AtomicDeploy.Core.Manifest;

/// <summary>
/// A path with every symbolic link in it resolved, as <c>realpath(3)</c> gives it, in managed
/// code: <see cref="FileSystemInfo.ResolveLinkTarget"/> resolves only the last part of a path, and
/// a link in the middle (an app started through <c>current</c>, a publish folder's link to a linked
/// folder) decides where a path really is. Compiled into AtomicDeploy.Core and, as a linked source
/// file, into AtomicDeploy.AspNetCore, which references no other project.
/// </summary>
internal static class RealPath
{
    // As the kernel's own limit on links followed in one lookup: a loop of links ends here.
    private const int MaxLinks = 40;

    /// <summary>The resolved absolute path, or null when a part of it does not exist or the links loop.</summary>
    public static string? Resolve(string path)
    {
        var pending = new Stack<string>(Enumerable.Reverse(Path.GetFullPath(path).Split('/', StringSplitOptions.RemoveEmptyEntries)));
        var resolved = "/";
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? "/";
                continue;
            }

            var next = Path.Combine(resolved, part);
            var info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    return null;
                }

                // The link's target replaces this part; an absolute target starts again from the root.
                foreach (var targetPart in Enumerable.Reverse(target.Split('/', StringSplitOptions.RemoveEmptyEntries)))
                {
                    pending.Push(targetPart);
                }

                if (target.StartsWith('/'))
                {
                    resolved = "/";
                }

                continue;
            }

            if (!info.Exists && !Directory.Exists(next))
            {
                return null;
            }

            resolved = next;
        }

        return resolved;
    }
}
