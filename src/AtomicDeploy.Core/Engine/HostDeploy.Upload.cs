using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Remote;
using AtomicDeploy.Core.Upload;

namespace AtomicDeploy.Core.Engine;

/// <summary>Step 2 on one host: the upload, with the files its kept releases already hold placed from there.</summary>
public sealed partial class HostDeploy
{
    /// <summary>The sizes of the files the host's kept releases hold (a new file of another size is not hashed before it is sent).</summary>
    internal IReadOnlySet<long> KeptSizes => _state.Kept.Sizes;

    /// <summary>How the upload to this host is compressed: what its server can unpack, as the lock's channel said.</summary>
    internal ArchiveCompression Compression => _lock?.Compression ?? ArchiveCompression.Gzip;

    /// <summary>The files of <paramref name="diff"/> this host can take from its kept releases instead of receiving them.</summary>
    internal IReadOnlyList<ReusedFile> PlanReuse(ManifestDiff diff) => ContentReuse.Plan(diff, _state.Kept);

    /// <summary>
    /// Sends what changed as one compressed tar stream and deletes what was removed; the files of
    /// <paramref name="reused"/> (by default, all this host can reuse) are not sent but placed from
    /// the kept releases, and any the server refuses are sent after it. With
    /// <paramref name="sharedArchive"/>, that writes the archive (one stream for hosts with the same
    /// changes, written with the same <paramref name="reused"/>).
    /// </summary>
    internal void Upload(string sourceDir, ReleaseManifest next, IReadOnlyList<ReusedFile>? reused, Action<Stream>? sharedArchive, CancellationToken cancellationToken)
    {
        var diff = PlanUpload(next);
        reused ??= PlanReuse(diff);
        var placed = Placed(_settings.CopyMode);
        var sources = reused.ToDictionary(r => r.Entry.Path, r => r.Source, StringComparer.Ordinal);
        var reuse = reused.Count == 0 ? string.Empty : $"{reused.Count} {placed} from earlier releases ({ByteSize.Format(reused.Sum(r => r.Entry.Size))} not sent), ";
        Log.Info($"AtomicDeploy: {next.FileCount} files published; sending {(reused.Count == 0 ? string.Empty : $"{diff.FilesAdded + diff.FilesChanged - reused.Count} of ")}{diff.FilesAdded} added and {diff.FilesChanged} changed ({ByteSize.Format(diff.BytesToSend - reused.Sum(r => r.Entry.Size))}), {reuse}removing {diff.FilesRemoved}, keeping {diff.Unchanged} unchanged.");
        Log.Detail(Compression == ArchiveCompression.Zstd ? $"  compressed with zstd ({Where} has it)" : $"  compressed with gzip ({Where} has no zstd)");
        foreach (var (verb, path) in diff.Files())
        {
            Log.Detail($"  {(verb == "add" ? "added" : verb + "d"),-7} {path}{(sources.TryGetValue(path, out var source) ? $" ({placed} from {source})" : string.Empty)}");
        }

        var folders = next.Entries.Where(e => e.IsDirectory && (e.Mode & 0x1C0) != 0x1C0).Select(e => (e.Path, e.Mode)).ToArray();
        // The upload lists shared/ at its end (a round trip less): nothing else runs between the two.
        // A fleet's host does so only when that changes nothing in shared/ (it has every declared path
        // already); otherwise the fleet lists once every host's upload is through, so a host that
        // fails leaves shared/ unseeded everywhere. And a file placed from a kept release under a
        // declared shared path could be refused and sent after the listing had seeded shared/.
        var listShared = !reused.Any(r => _settings.Shared.Covers(r.Entry.Path));
        // A stream of its own carries the manifest as edits of the live one; a shared stream, whole.
        var basis = sharedArchive is null ? _state.ManifestBasis : null;
        var script = RemoteScripts.Upload(_settings.Root, Release!, folders, _settings.CopyMode, Compression, basis?.Release, reuse: reused.Count > 0) + (listShared ? RemoteScripts.ListSharedAfterUpload(_settings.Root, Release!, _settings.Shared, onlyWhenSharedIsUnchanged: _settings.Hosts.Count > 1) : string.Empty);
        byte[]? manifest = null;
        var output = Run("upload the changed files", script, input =>
        {
            var counter = new CountingStream(input);
            if (sharedArchive is null)
            {
                manifest = ReleaseArchive.Write(counter, sourceDir, Release!, diff, reused, next, Compression, Log, cancellationToken, basis);
            }
            else
            {
                sharedArchive(counter);
            }

            BytesSent = counter.BytesWritten;
        }, cancellationToken).Output;

        var listing = output.IndexOf(RemoteScripts.SharedListingMarker + "\n", StringComparison.Ordinal);
        _sharedListing = listing < 0 ? null : output[(listing + RemoteScripts.SharedListingMarker.Length + 1)..];
        output = listing < 0 ? output : output[..listing];
        if (manifest is not null && output.Split('\n').Contains(ManifestDeltaScripts.RefusedMarker))
        {
            Log.Info($"AtomicDeploy: the live manifest in {Where} is not the one this deploy read (written by another version, or edited): the new manifest is sent whole.");
            Run("send the release's manifest", ManifestDeltaScripts.WriteWhole(_settings.Root, Release!), input =>
            {
                input.Write(manifest);
                BytesSent += manifest.Length;
            }, cancellationToken);
        }

        var refused = NotReused(output, reused);
        if (refused.Length > 0)
        {
            // What is sent now may land where shared/ has an entry: the link step lists shared/ again.
            _sharedListing = null;
            Log.Info($"AtomicDeploy: {refused.Length} of the files to take from earlier releases in {Where} were not there as their manifest records them (a changed or forged manifest, or a file that is not a plain file of a release); they are sent instead.");
            Run("send the files that could not be reused", RemoteScripts.Upload(_settings.Root, Release!, folders, _settings.CopyMode, Compression, reuse: false), input =>
            {
                var counter = new CountingStream(input);
                ReleaseArchive.WriteFiles(counter, sourceDir, Release!, refused, Compression, Log, cancellationToken);
                BytesSent += counter.BytesWritten;
            }, cancellationToken);
        }

        Reused = reused.Count - refused.Length;
        Diff = diff;
    }

    /// <summary>What the upload script's listing of <c>shared/</c> printed (null: the link step lists it itself).</summary>
    private string? _sharedListing;

    /// <summary>The entries of <paramref name="reused"/> that the upload's output names as not placed.</summary>
    private static ManifestEntry[] NotReused(string output, IReadOnlyList<ReusedFile> reused)
    {
        if (reused.Count == 0)
        {
            return [];
        }

        var named = output.Split('\n')
            .Where(l => l.StartsWith(ReuseScripts.NotReusedMarker, StringComparison.Ordinal))
            .Select(l => l[ReuseScripts.NotReusedMarker.Length..])
            .ToHashSet(StringComparer.Ordinal);
        return reused.Where(r => named.Contains(r.Entry.Path)).Select(r => r.Entry).ToArray();
    }
}
