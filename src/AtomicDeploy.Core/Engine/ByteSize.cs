using System.Globalization;

namespace AtomicDeploy.Core.Engine;

/// <summary>Byte counts as the log shows them.</summary>
public static class ByteSize
{
    /// <summary>Formats a byte count: <c>512 B</c>, <c>41.2 KB</c>, <c>3.1 MB</c>.</summary>
    public static string Format(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
        _ => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
    };
}
