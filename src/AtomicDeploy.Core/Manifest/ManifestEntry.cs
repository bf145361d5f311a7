namespace AtomicDeploy.Core.Manifest;

/// <summary>One file or folder of a release, as the manifest records it.</summary>
/// <param name="Path">Relative to the release folder, with <c>/</c> separators.</param>
/// <param name="IsDirectory">True for a folder (then <paramref name="Size"/> is 0 and <paramref name="Sha256"/> empty).</param>
/// <param name="Size">Length in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the content.</param>
/// <param name="Mode">Unix permission bits, e.g. 0644 as 420.</param>
public sealed record ManifestEntry(string Path, bool IsDirectory, long Size, string Sha256, int Mode)
{
    /// <summary>The <see cref="Sha256"/> of a file whose hash is computed while it is sent (it is sent whatever its hash).</summary>
    public const string HashedWhileSending = "";

    /// <summary>
    /// The file's last write time (UTC ticks) when it was deployed, if known. A file with the same
    /// path, size and time is taken as unchanged without being read again, as rsync's quick check does.
    /// </summary>
    public long? Modified { get; init; }

    /// <summary>True when the content or kind of this entry differs from <paramref name="other"/> (same path).</summary>
    public bool ContentDiffers(ManifestEntry other) =>
        IsDirectory != other.IsDirectory || Size != other.Size || !string.Equals(Sha256, other.Sha256, StringComparison.Ordinal);
}
