using System.Buffers.Binary;

namespace AtomicDeploy.Core.Manifest;

/// <summary>
/// How the scanner gives each file its Unix mode. On Linux and macOS a file has one and it is taken
/// as it is. Windows has none, so there one rule decides from the content: an ELF executable that
/// is not a shared library (a fixed-address executable, or a position-independent one that names
/// a program interpreter, as the apphost and <c>createdump</c> do), a file starting with <c>#!</c>,
/// and the apphost the build names get 0755; every other file 0644; folders 0755.
/// </summary>
public sealed class FileModes
{
    private const UnixFileMode PermissionBits = (UnixFileMode)0xFFF;
    private const int Executable = 0b111_101_101;
    private const int Plain = 0b110_100_100;
    private readonly bool _fromContent;
    private readonly string? _appHost;

    private FileModes(bool fromContent, string? appHost)
    {
        _fromContent = fromContent;
        _appHost = appHost;
    }

    /// <summary>The modes as the file system has them (Linux, macOS).</summary>
    public static FileModes FromFileSystem { get; } = new(false, null);

    /// <summary>The rule for this machine: the file system's modes, or on Windows the content rule.</summary>
    public static FileModes ForThisMachine(string? appHost) => For(OperatingSystem.IsWindows(), appHost);

    /// <summary>The rule for a machine that is Windows or not (tests pass the platform).</summary>
    /// <param name="windows">Whether the files have no Unix modes, so the content decides.</param>
    /// <param name="appHost">The apphost's path in the publish folder (e.g. <c>MyShop</c>), or null.</param>
    public static FileModes For(bool windows, string? appHost) => windows ? new FileModes(true, appHost) : FromFileSystem;

    /// <summary>
    /// Where the files have no modes (Windows), a file (or folder) that every host's live release
    /// holds with the same content and the same mode at the same path keeps that mode: a Linux build
    /// of the same output may have deployed it (the runtime's files are 0744 there, 0644 by the
    /// rule), and a build with no modes to tell has no reason to change it. What a server records
    /// is taken only within 0755 (never setuid, setgid, sticky or writable by others), never takes
    /// away the execute bit the rule gives, and only when every host agrees, so one host's manifest
    /// cannot set another's modes. Off Windows, <paramref name="next"/> as it is.
    /// </summary>
    public ReleaseManifest KeepLiveModes(ReleaseManifest next, IReadOnlyList<ReleaseManifest> lives)
    {
        if (!_fromContent || lives.Count == 0 || lives.Any(l => l.Entries.Count == 0))
        {
            return next;
        }

        return new ReleaseManifest(next.Entries.Select(e => Agreed(e, lives) is { } mode && mode != e.Mode ? e with { Mode = mode } : e));
    }

    /// <summary>The mode every live release gives <paramref name="entry"/>'s path with the same content, as far as it may be kept; else null.</summary>
    private static int? Agreed(ManifestEntry entry, IReadOnlyList<ReleaseManifest> lives)
    {
        int? agreed = null;
        foreach (var live in lives)
        {
            if (!live.ByPath.TryGetValue(entry.Path, out var was) || entry.ContentDiffers(was) || (agreed is { } other && other != was.Mode))
            {
                return null;
            }

            agreed = was.Mode;
        }

        var kept = agreed!.Value & Executable;
        return (entry.Mode & 0x40) != 0 && (kept & 0x40) == 0 ? null : kept;
    }

    /// <summary>Whether <see cref="Of"/> reads a file's first bytes (Windows), not only what its status says.</summary>
    internal bool ReadsContent => _fromContent;

    /// <summary>The mode of <paramref name="entry"/>, at <paramref name="path"/> in the publish folder.</summary>
    public int Of(FileSystemInfo entry, string path)
    {
        if (!_fromContent)
        {
            return (int)(entry.UnixFileMode & PermissionBits);
        }

        return entry is DirectoryInfo || path == _appHost || (entry is FileInfo file && IsExecutable(file)) ? Executable : Plain;
    }

    /// <summary>Whether the file starts with <c>#!</c> or is an ELF executable that is not a shared library.</summary>
    public static bool IsExecutable(FileInfo file)
    {
        try
        {
            using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            Span<byte> header = stackalloc byte[64];
            var read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            header = header[..read];
            return header.StartsWith("#!"u8) || IsElfExecutable(stream, header);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The hash that follows reads the file too, and reports what is wrong with it.
            return false;
        }
    }

    private static bool IsElfExecutable(FileStream stream, ReadOnlySpan<byte> header)
    {
        if (header.Length < 52 || !header.StartsWith("\x7F"u8) || !header[1..4].SequenceEqual("ELF"u8) || header[4] is not (1 or 2) || header[5] is not (1 or 2))
        {
            return false;
        }

        var wide = header[4] == 2;
        var little = header[5] == 1;
        var type = U16(header[16..], little);
        if (type == 2)
        {
            return true; // ET_EXEC
        }

        if (type != 3 || (wide && header.Length < 64))
        {
            return false;
        }

        // ET_DYN is a shared library or a position-independent executable; only the executable names an interpreter (PT_INTERP).
        var tableAt = wide ? (long)U64(header[32..], little) : U32(header[28..], little);
        var entrySize = U16(header[(wide ? 54 : 42)..], little);
        var count = U16(header[(wide ? 56 : 44)..], little);
        if (entrySize < 4 || count > 1024 || tableAt <= 0 || tableAt + (long)entrySize * count > stream.Length)
        {
            return false;
        }

        var table = new byte[entrySize * count];
        stream.Position = tableAt;
        if (stream.ReadAtLeast(table, table.Length, throwOnEndOfStream: false) < table.Length)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            if (U32(table.AsSpan(i * entrySize), little) == 3)
            {
                return true;
            }
        }

        return false;
    }

    private static ushort U16(ReadOnlySpan<byte> bytes, bool little) => little ? BinaryPrimitives.ReadUInt16LittleEndian(bytes) : BinaryPrimitives.ReadUInt16BigEndian(bytes);

    private static uint U32(ReadOnlySpan<byte> bytes, bool little) => little ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);

    private static ulong U64(ReadOnlySpan<byte> bytes, bool little) => little ? BinaryPrimitives.ReadUInt64LittleEndian(bytes) : BinaryPrimitives.ReadUInt64BigEndian(bytes);
}
