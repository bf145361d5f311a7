using System.Buffers;
using System.Security.Cryptography;

namespace AtomicDeploy.Core.Manifest;

/// <summary>
/// Reading a publish folder's files for their hashes and for the upload without a buffer per file:
/// a <see cref="FileStream"/> opened with its default buffering allocates a buffer of its own for
/// every file, which for a 50,000-file folder came to 6.5 GB of short-lived arrays in one deploy.
/// </summary>
internal static class FileHash
{
    private const int PieceSize = 1 << 16;

    /// <summary>Opens <paramref name="path"/> to read from start to end, unbuffered: every reader here reads in large pieces.</summary>
    public static FileStream OpenSequential(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);

    /// <summary>The lower-case hex SHA-256 of what is left of <paramref name="stream"/>, read in 64 KB pieces through a shared buffer.</summary>
    public static string Sha256(Stream stream)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(PieceSize);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            int read;
            while ((read = stream.Read(buffer, 0, PieceSize)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
