using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using AtomicDeploy.Core.Manifest;

namespace AtomicDeploy.Core.Upload;

/// <summary>
/// The one stream an upload sends: a first line with the paths to delete from the copied release
/// (base64 of NUL-separated names, so any byte of a name survives), then a gzip-compressed PAX tar
/// of the entries to send under <c>releases/&lt;name&gt;/</c>, ending with the release's manifest under
/// <c>.atomicdeploy/manifests/</c>. The server side is <see cref="Remote.RemoteScripts.Upload"/>.
/// </summary>
public static class ReleaseArchive
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Writes the stream for <paramref name="diff"/>, reading files from <paramref name="sourceDir"/>,
    /// and ends it with <paramref name="next"/> as the release's manifest: the hashes it leaves
    /// <see cref="ManifestEntry.HashedWhileSending"/> are computed from the same read that sends the file.
    /// An upload that takes longer than two seconds reports its progress (files, bytes, rate) every
    /// two seconds at high importance, so it shows at the default verbosity of <c>dotnet publish</c>.
    /// </summary>
    public static long Write(Stream output, string sourceDir, string release, ManifestDiff diff, ReleaseManifest next, IDeployLog log, CancellationToken cancellationToken)
    {
        var deletions = string.Join('\0', diff.ToDelete);
        var header = Convert.ToBase64String(Encoding.UTF8.GetBytes(deletions)) + "\n";
        output.Write(Encoding.ASCII.GetBytes(header));

        var toSend = diff.ToSend;
        var totalBytes = toSend.Sum(e => e.Size);

        // Finished only on success: a failed upload must not end with a well-formed archive, or the
        // server would unpack a truncated release and report success.
        var gzip = new AdaptiveGzipStream(output);
        try
        {
            WriteEntries(gzip, sourceDir, release, toSend, next, log, cancellationToken);
        }
        catch
        {
            gzip.Spoil();
            throw;
        }

        gzip.Finish();
        return totalBytes;
    }

    private static void WriteEntries(Stream gzip, string sourceDir, string release, IReadOnlyList<ManifestEntry> toSend, ReleaseManifest next, IDeployLog log, CancellationToken cancellationToken)
    {
        var totalBytes = toSend.Sum(e => e.Size);
        var sentBytes = 0L;
        var sentFiles = 0;
        var clock = Stopwatch.StartNew();
        var nextReport = ProgressInterval;
        var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
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
                using var content = new HashingReadStream(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));
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
                hashes[entry.Path] = content.Hash();
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

        var manifestJson = next.WithHashes(hashes).ToJson(release);
        using (var manifest = new MemoryStream(manifestJson, writable: false))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $".atomicdeploy/manifests/{release}.json")
            {
                Mode = (UnixFileMode)0b110_100_100,
                DataStream = manifest,
            });
        }

        tar.Dispose();
    }

    private static DeployException Changed(string path, Exception? inner) =>
        new(ErrorCodes.SourceMissing, $"'{path}' changed or disappeared while it was being deployed. Publish again, then deploy.", inner);

    private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
