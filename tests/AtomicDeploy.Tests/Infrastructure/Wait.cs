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

    /// <summary>The size of the file a deploy is writing into a release that is not live, or 0 while there is none.</summary>
    public static long PartialUpload(string root, string relative) =>
        Directory.Exists(Path.Combine(root, "releases"))
            ? Directory.GetDirectories(Path.Combine(root, "releases"))
                .Where(release => new RemoteTree(root).CurrentLink != "releases/" + Path.GetFileName(release))
                .Select(release => new FileInfo(Path.Combine(release, relative)))
                .Where(file => file.Exists)
                .Select(file => file.Length)
                .DefaultIfEmpty(0)
                .Max()
            : 0;
}
