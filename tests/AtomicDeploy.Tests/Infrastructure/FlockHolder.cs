namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>Whether a process holds a flock, read from its open files in /proc.</summary>
internal static class FlockHolder
{
    /// <summary>
    /// True when one of <paramref name="pid"/>'s open files carries a flock. A process that is
    /// starting opens and closes files (the loader's cache) as they are listed: a file gone before it
    /// is read is not the lock.
    /// </summary>
    public static bool Holds(int pid)
    {
        foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fdinfo"))
        {
            try
            {
                if (File.ReadAllText(fd).Contains("FLOCK", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (IOException)
            {
                // Closed since it was listed.
            }
        }

        return false;
    }
}
