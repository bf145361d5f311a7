using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using AtomicDeploy.Core.Manifest;

namespace AtomicDeploy.Core.Upload;

/// <summary>
/// The one stream an upload sends: a first line with the paths to delete from the copied release
/// before anything lands (base64 of NUL-separated names, so any byte of a name survives), then a
/// compressed PAX tar (gzip, or zstd where the server has it) of the entries to send under
/// <c>releases/&lt;name&gt;/</c>, ending with the paths to delete after those landed (the removed
/// ones, NUL-separated: compressed with the rest, a list of renamed files costs little), the reuse
/// list and the release's manifest under <c>.atomicdeploy/manifests/</c>, whole or as a
/// <see cref="ManifestDelta"/>. The server side is <see cref="Remote.RemoteScripts.Upload"/>.
/// </summary>
public static class ReleaseArchive
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    /// <summary>The largest tail (lists and manifest) compressed with a deeper search (<see cref="AdaptiveCompressionStream.Dense"/>); a larger one, a first deploy of tens of thousands of files, costs more CPU than it saves on the link.</summary>
    private const int DenseTail = 1 << 20;

    /// <summary>
    /// Writes the stream for <paramref name="diff"/>, reading files from <paramref name="sourceDir"/>,
    /// and ends it with <paramref name="next"/> as the release's manifest: the hashes it leaves
    /// <see cref="ManifestEntry.HashedWhileSending"/> are computed from the same read that sends the file.
    /// The tar is compressed as <paramref name="compression"/> says (what the server can unpack).
    /// An upload that takes longer than two seconds reports its progress (files, bytes, rate) every
    /// two seconds at high importance, so it shows at the default verbosity of <c>dotnet publish</c>.
    /// </summary>
    public static void Write(Stream output, string sourceDir, string release, ManifestDiff diff, ReleaseManifest next, ArchiveCompression compression, IDeployLog log, CancellationToken cancellationToken) =>
        Write(output, sourceDir, release, diff, [], next, compression, log, cancellationToken);

    /// <summary>
    /// As <see cref="Write(Stream, string, string, ManifestDiff, ReleaseManifest, ArchiveCompression, IDeployLog, CancellationToken)"/>,
    /// but the files of <paramref name="reused"/> are left out: the archive carries their list
    /// (<see cref="ContentReuse.ListText"/>, as <c>.atomicdeploy/reuse.&lt;release&gt;</c>) and the server
    /// places them from its kept releases. With <paramref name="basis"/>, the manifest goes as a
    /// <see cref="ManifestDelta"/> of that one (as <c>.atomicdeploy/manifests/&lt;release&gt;.delta</c>)
    /// when that is less than half its size. Returns the manifest, whole, whichever way it went.
    /// </summary>
    public static byte[] Write(Stream output, string sourceDir, string release, ManifestDiff diff, IReadOnlyList<ReusedFile> reused, ReleaseManifest next, ArchiveCompression compression, IDeployLog log, CancellationToken cancellationToken, ManifestBase? basis = null)
    {
        var skipped = reused.Select(r => r.Entry.Path).ToHashSet(StringComparer.Ordinal);
        var (first, after) = diff.DeletionOrder();
        return Write(output, sourceDir, release, first, after, diff.ToSend.Where(e => !skipped.Contains(e.Path)).ToArray(), reused.Count == 0 ? null : ContentReuse.ListText(reused), (next, basis), compression, log, cancellationToken)!;
    }

    /// <summary>
    /// A stream that only adds <paramref name="files"/> to the release (no deletions, no manifest):
    /// the files a host could not reuse, sent after the upload that listed them.
    /// </summary>
    public static void WriteFiles(Stream output, string sourceDir, string release, IReadOnlyList<ManifestEntry> files, ArchiveCompression compression, IDeployLog log, CancellationToken cancellationToken) =>
        Write(output, sourceDir, release, [], [], files, null, null, compression, log, cancellationToken);

    private static byte[]? Write(Stream output, string sourceDir, string release, IReadOnlyList<string> deleteFirst, IReadOnlyList<string> deleteAfter, IReadOnlyList<ManifestEntry> toSend, byte[]? reuseList, (ReleaseManifest Next, ManifestBase? Basis)? manifest, ArchiveCompression compression, IDeployLog log, CancellationToken cancellationToken)
    {
        var deletions = string.Join('\0', deleteFirst);
        var header = Convert.ToBase64String(Encoding.UTF8.GetBytes(deletions)) + "\n";
        output.Write(Encoding.ASCII.GetBytes(header));

        // Finished only on success: a failed upload must not end with a well-formed archive, or the
        // server would unpack a truncated release and report success.
        var compressed = new AdaptiveCompressionStream(output, compression);
        byte[]? written;
        try
        {
            written = WriteEntries(compressed, sourceDir, release, toSend, deleteAfter, reuseList, manifest, log, cancellationToken);
        }
        catch
        {
            compressed.Spoil();
            throw;
        }

        compressed.Finish();
        return written;
    }

    private static byte[]? WriteEntries(AdaptiveCompressionStream compressed, string sourceDir, string release, IReadOnlyList<ManifestEntry> toSend, IReadOnlyList<string> deleteAfter, byte[]? reuseList, (ReleaseManifest Next, ManifestBase? Basis)? manifest, IDeployLog log, CancellationToken cancellationToken)
    {
        var totalBytes = toSend.Sum(e => e.Size);
        var sentBytes = 0L;
        var sentFiles = 0;
        var clock = Stopwatch.StartNew();
        var nextReport = ProgressInterval;
        var tar = new TarWriter(compressed, TarEntryFormat.Pax, leaveOpen: true);
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in toSend)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = $"releases/{release}/{entry.Path}";
            if (entry.IsDirectory)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name) { Mode = (UnixFileMode)entry.Mode });
                continue;
            }

            var file = Path.Combine(sourceDir, entry.Path);
            try
            {
                using var content = new HashingReadStream(FileHash.OpenSequential(file));
                if (content.Length != entry.Size)
                {
                    throw Changed(entry.Path, null);
                }

                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    Mode = (UnixFileMode)entry.Mode,
                    ModificationTime = entry.Modified is { } ticks ? new DateTime(ticks, DateTimeKind.Utc) : File.GetLastWriteTimeUtc(file),
                    DataStream = content,
                });
                // A file whose hash the scan took (unchanged size and time) must still have that content:
                // changed since, in place and at the same size, it would be recorded with the old hash.
                var hash = content.Hash();
                if (entry.Sha256 != ManifestEntry.HashedWhileSending && entry.Sha256 != hash)
                {
                    throw Changed(entry.Path, null);
                }

                hashes[entry.Path] = hash;
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
            {
                throw Changed(entry.Path, e);
            }

            sentFiles++;
            sentBytes += entry.Size;
            if (clock.Elapsed >= nextReport)
            {
                nextReport = clock.Elapsed + ProgressInterval;
                log.Summary($"  uploaded {sentFiles}/{toSend.Count(e => !e.IsDirectory)} files, {Megabytes(sentBytes)} of {Megabytes(totalBytes)} MB ({Megabytes((long)(sentBytes / clock.Elapsed.TotalSeconds))} MB/s)");
            }
        }

        var tail = new List<(string Name, byte[] Content)>();
        if (deleteAfter.Count > 0)
        {
            tail.Add((Remote.RemoteScripts.DeletionListPath(release), Encoding.UTF8.GetBytes(string.Join('\0', deleteAfter))));
        }

        if (reuseList is not null)
        {
            tail.Add((Remote.ReuseScripts.ListPath(release), reuseList));
        }

        byte[]? json = null;
        if (manifest is { } m)
        {
            json = m.Next.WithHashes(hashes).ToJson(release);
            var delta = m.Basis is { } basis ? ManifestDelta.Of(basis.Manifest.ToJson(basis.Release), json) : null;
            tail.Add((delta is null ? $".atomicdeploy/manifests/{release}.json" : Remote.ManifestDeltaScripts.DeltaPath(release), delta ?? json));
        }

        if (tail.Sum(t => t.Content.Length) is > 16 * 1024 and < DenseTail)
        {
            compressed.Dense();
        }

        foreach (var (name, content) in tail)
        {
            WriteMetadata(tar, name, content);
        }

        tar.Dispose();
        return json;
    }

    private static void WriteMetadata(TarWriter tar, string name, byte[] content)
    {
        using var data = new MemoryStream(content, writable: false);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = (UnixFileMode)0b110_100_100,
            DataStream = data,
        });
    }

    private static DeployException Changed(string path, Exception? inner) =>
        new(ErrorCodes.SourceMissing, $"'{path}' changed or disappeared while it was being deployed. Publish again, then deploy.", inner);

    private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
