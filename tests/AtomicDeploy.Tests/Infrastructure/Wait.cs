namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>Bounded polling for something a test waits to see happen (on the server, in a process).</summary>
internal static class Wait
{
    public static void Until(Func<bool> condition, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0} s for {what}.");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>Writes <paramref name="megabytes"/> MB of random bytes (gzip cannot shrink them, so the upload takes a while).</summary>
    public static void WriteRandomFile(string path, int megabytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var buffer = new byte[1 << 20];
        using var file = File.Create(path);
        for (var i = 0; i < megabytes; i++)
        {
            Random.Shared.NextBytes(buffer);
            file.Write(buffer);
        }
    }

    /// <summary>
    /// The size of the file a deploy is writing into a release that is not live, or 0 while there is
    /// none. A release made as a hard-link copy of the live one holds the live file from the start:
    /// a file that begins as the live release's copy does is not the upload.
    /// </summary>
    public static long PartialUpload(string root, string relative)
    {
        var releases = Path.Combine(root, "releases");
        if (!Directory.Exists(releases))
        {
            return 0;
        }

        var current = new RemoteTree(root).CurrentLink;
        var live = Start(Path.Combine(root, "current", relative));
        return Directory.GetDirectories(releases)
            .Where(release => current != "releases/" + Path.GetFileName(release))
            .Select(release => new FileInfo(Path.Combine(release, relative)))
            .Where(file => file.Exists && Start(file.FullName) is { } start && (live is null || !start.AsSpan().SequenceEqual(live)))
            .Select(file => file.Length)
            .DefaultIfEmpty(0)
            .Max();
    }

    /// <summary>The first 4 KB of a file (fewer if it is shorter), or null if it is not there.</summary>
    private static byte[]? Start(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            var buffer = new byte[4096];
            return buffer[..file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)];
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
