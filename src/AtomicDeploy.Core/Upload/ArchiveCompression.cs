namespace AtomicDeploy.Core.Upload;

/// <summary>
/// How an upload's tar stream is compressed: zstd where the server has it (fewer bytes than
/// gzip for the same CPU time), else gzip, which every server has.
/// </summary>
public enum ArchiveCompression
{
    /// <summary>gzip members, unpacked with <c>tar -z</c>.</summary>
    Gzip,

    /// <summary>zstd frames, unpacked with the server's <c>zstd -d</c>.</summary>
    Zstd,
}
