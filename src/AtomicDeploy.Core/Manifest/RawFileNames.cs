using System.Runtime.InteropServices;
using System.Text;

namespace AtomicDeploy.Core.Manifest;

/// <summary>
/// The names in a folder as the bytes the file system holds. .NET decodes names as UTF-8 and puts
/// U+FFFD where the bytes are not UTF-8, which loses the name: reading the folder with
/// <c>readdir(3)</c> is the only way to show the user which file it is.
/// </summary>
internal static class RawFileNames
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The names in <paramref name="folder"/> that are not valid UTF-8, escaped (<c>\xNN</c> for every byte outside printable ASCII); empty where readdir cannot be used.</summary>
    public static IReadOnlyList<string> NotUtf8(string folder)
    {
        // d_name's offset in struct dirent: glibc and musl on 64-bit Linux, and macOS.
        var nameOffset = OperatingSystem.IsLinux() && Environment.Is64BitProcess ? 19 : OperatingSystem.IsMacOS() ? 21 : -1;
        if (nameOffset < 0)
        {
            return [];
        }

        var names = new List<string>();
        IntPtr directory;
        try
        {
            directory = OpenDirectory([.. Encoding.UTF8.GetBytes(folder), 0]);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A C library the runtime cannot find: the error names the folder without the file's bytes.
            return names;
        }

        if (directory == IntPtr.Zero)
        {
            return names;
        }

        try
        {
            for (var entry = ReadDirectory(directory); entry != IntPtr.Zero; entry = ReadDirectory(directory))
            {
                var bytes = new List<byte>();
                for (var i = nameOffset; Marshal.ReadByte(entry, i) is var b and not 0; i++)
                {
                    bytes.Add(b);
                }

                if (!IsUtf8([.. bytes]))
                {
                    names.Add(Escape([.. bytes]));
                }
            }
        }
        finally
        {
            _ = CloseDirectory(directory);
        }

        return names;
    }

    /// <summary>Printable ASCII as it is (a backslash doubled), every other byte as <c>\xNN</c>: safe in any log.</summary>
    public static string Escape(byte[] name)
    {
        var text = new StringBuilder();
        foreach (var b in name)
        {
            text.Append(b == '\\' ? "\\\\" : b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:x2}");
        }

        return text.ToString();
    }

    private static bool IsUtf8(byte[] bytes)
    {
        try
        {
            StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "opendir", SetLastError = true)]
    private static extern IntPtr OpenDirectory(byte[] nulTerminatedPath);

    [DllImport("libc", EntryPoint = "readdir", SetLastError = true)]
    private static extern IntPtr ReadDirectory(IntPtr directory);

    [DllImport("libc", EntryPoint = "closedir")]
    private static extern int CloseDirectory(IntPtr directory);
}
