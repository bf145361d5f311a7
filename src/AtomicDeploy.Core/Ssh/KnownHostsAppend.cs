using System.Runtime.InteropServices;
using System.Text;

namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// Adds a line to a known_hosts file so that hosts of a fleet met for the first time in parallel
/// (threads of one build, or several builds) never lose one another's lines: the appends are
/// serialised by a lock in this process and a lock file beside known_hosts across processes, and
/// each line is written with <c>O_APPEND</c> in one <c>write</c>, so even an <c>ssh</c> appending at
/// the same moment (it takes no lock) cannot overwrite it.
/// </summary>
public static class KnownHostsAppend
{
    /// <summary>How long to wait for another process's append to finish.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromSeconds(10);

    private static readonly object InProcess = new();

    /// <summary>Appends <paramref name="line"/> (one line, no line break) unless the file already holds it; throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>.</summary>
    public static void Line(string path, string line)
    {
        if (line.Contains('\n', StringComparison.Ordinal) || line.Contains('\r', StringComparison.Ordinal))
        {
            throw new ArgumentException("A known_hosts line cannot hold a line break.", nameof(line));
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        lock (InProcess)
        {
            using var crossProcess = TakeLockFile(path + ".lock");
            var existing = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
            if (existing.Split('\n').Any(l => l.TrimEnd('\r') == line))
            {
                return;
            }

            var needsNewLine = existing.Length > 0 && !existing.EndsWith('\n');
            AppendBytes(path, Encoding.UTF8.GetBytes((needsNewLine ? "\n" : string.Empty) + line + "\n"));
        }
    }

    /// <summary>An exclusive lock on <paramref name="lockPath"/> (flock on Unix, a sharing lock on Windows), retried until <see cref="LockWait"/>.</summary>
    private static FileStream TakeLockFile(string lockPath)
    {
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(lockPath))
            {
                Thread.Sleep(20);
            }
        }
    }

    private static void AppendBytes(string path, byte[] bytes)
    {
        if (OperatingSystem.IsWindows())
        {
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            stream.Write(bytes);
            return;
        }

        var fd = Posix.Open(path, Posix.AppendFlags, Convert.ToInt32("600", 8));
        if (fd < 0)
        {
            throw Posix.Failure($"open {path}");
        }

        try
        {
            var written = Posix.Write(fd, bytes, bytes.Length);
            if (written != bytes.Length)
            {
                throw written < 0 ? Posix.Failure($"write {path}") : new IOException($"Only {written} of {bytes.Length} bytes were written to {path}.");
            }
        }
        finally
        {
            _ = Posix.Close(fd);
        }
    }

    /// <summary>The three libc calls .NET does not offer with <c>O_APPEND</c> (its FileMode.Append seeks, then writes at an offset).</summary>
    private static class Posix
    {
        /// <summary><c>O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC</c>; the values differ between Linux and macOS.</summary>
        public static int AppendFlags => OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()
            ? 0x1 | 0x200 | 0x8 | 0x1000000
            : 0x1 | 0x40 | 0x400 | 0x80000;

        public static IOException Failure(string what) => new($"{what} failed (errno {Marshal.GetLastPInvokeError()}).");

        [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Open(string path, int flags, int mode);

        [DllImport("libc", EntryPoint = "write", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern nint Write(int fd, byte[] buffer, nint count);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Close(int fd);
    }
}
