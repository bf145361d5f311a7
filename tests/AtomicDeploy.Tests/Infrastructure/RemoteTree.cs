using System.Security.Cryptography;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// Reads a deploy folder the way a user would look at it on the server (the test server runs on
/// this machine, so its files are read directly): the current link, releases, inodes, contents.
/// </summary>
internal sealed class RemoteTree(string root)
{
    public string Root { get; } = root;

    public string? CurrentLink => File.Exists(Path.Combine(Root, "current")) || Directory.Exists(Path.Combine(Root, "current"))
        ? new FileInfo(Path.Combine(Root, "current")).LinkTarget
        : null;

    public string[] Releases => Directory.Exists(Path.Combine(Root, "releases"))
        ? Directory.GetDirectories(Path.Combine(Root, "releases")).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToArray()
        : [];

    public string ReleasePath(string release, string relative = "") => Path.Combine(Root, "releases", release, relative);

    public string CurrentFile(string relative) => File.ReadAllText(Path.Combine(Root, "current", relative));

    /// <summary>The deploy lock's file, as the server sees it.</summary>
    public string LockFile => Path.Combine(Root, ".atomicdeploy", "deploy.lock");

    /// <summary>Whether a process holds the deploy lock's flock (a try from this process fails).</summary>
    public bool LockHeld => ProcessRunner.Run("flock", ["-n", LockFile, "true"]).ExitCode != 0;

    public string[] HistoryLines => File.Exists(Path.Combine(Root, ".atomicdeploy", "log.jsonl"))
        ? File.ReadAllLines(Path.Combine(Root, ".atomicdeploy", "log.jsonl"))
        : [];

    /// <summary>Every path under the deploy folder with its kind, link target or content hash: a fingerprint of the whole tree.</summary>
    public static SortedDictionary<string, string> Snapshot(string root)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(root))
        {
            return snapshot;
        }

        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(root, entry.FullName);
            snapshot[relative] = entry.LinkTarget is { } target
                ? "link:" + target
                : entry is DirectoryInfo ? "dir:" + (int)entry.UnixFileMode
                : "file:" + (int)entry.UnixFileMode + ":" + Convert.ToHexString(SHA256.HashData(ReadOnceFree(entry.FullName)));
        }

        return snapshot;
    }

    /// <summary>
    /// A file's bytes. .NET's read takes a shared flock, which the deploy lock refuses while it is
    /// held, and a deploy returns without waiting for its lock's end (which comes a moment later on
    /// the server): that moment is waited for.
    /// </summary>
    private static byte[] ReadOnceFree(string path)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return File.ReadAllBytes(path);
            }
            catch (IOException) when (clock.Elapsed < TimeSpan.FromSeconds(10) && File.Exists(path))
            {
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>The inode number of a file (to tell hard links from copies).</summary>
    public static long Inode(string path) => long.Parse(ProcessRunner.Check("stat", "-c", "%i", path).Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
