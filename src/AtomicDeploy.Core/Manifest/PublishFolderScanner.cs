using System.Collections.Concurrent;

namespace AtomicDeploy.Core.Manifest;

/// <summary>Reads the publish folder into a manifest: every folder and file, with SHA-256 hashes computed in parallel.</summary>
public static class PublishFolderScanner
{
    /// <summary>
    /// Scans <paramref name="root"/>. When <paramref name="include"/> is given (the folder is a
    /// publish output), only the files it accepts (by relative path and file) are taken, and only
    /// the folders that hold one of them: this is how stale files and folders that an earlier
    /// <c>dotnet publish</c> left in the folder are kept off the server.
    /// A symlink to a file is deployed as the file it points to (<see cref="PublishFolderCheck"/>
    /// refuses, before the deploy, links that leave the folder); a symlink to a folder is skipped
    /// with a warning (following it could loop or leave the folder). A name that is not UTF-8 is
    /// an error naming it (<see cref="ErrorCodes.NameNotUtf8"/>).
    /// </summary>
    public static ReleaseManifest Scan(string root, Func<string, FileInfo, bool>? include, IDeployLog log, CancellationToken cancellationToken) =>
        Scan(root, include, null, log, cancellationToken);

    /// <summary>
    /// Scans <paramref name="root"/> for a deploy over <paramref name="live"/>, reading as little as
    /// possible: a file with the same path, size and last write time as the live one takes its hash
    /// without being read (rsync's quick check); a file that is new or whose size changed is sent
    /// whatever its content, so its hash is left <see cref="ManifestEntry.HashedWhileSending"/> and
    /// computed from the one read that sends it. Only files of unchanged size but new time are hashed here.
    /// Each entry's mode comes from <paramref name="modes"/> (default: <see cref="FileModes.ForThisMachine"/>).
    /// A new file whose size is one of <paramref name="keptSizes"/> (files the server holds in its
    /// kept releases) is hashed here after all, so the upload can take it from there if it is one of them.
    /// </summary>
    public static ReleaseManifest Scan(string root, Func<string, FileInfo, bool>? include, ReleaseManifest? live, IDeployLog log, CancellationToken cancellationToken, FileModes? modes = null, IReadOnlySet<long>? keptSizes = null)
    {
        modes ??= FileModes.ForThisMachine(null);
        if (!Directory.Exists(root))
        {
            throw new DeployException(ErrorCodes.SourceMissing,
                $"The folder to deploy, '{root}', does not exist. Run the publish first, or point AtomicDeploySourceDir at the publish output.");
        }

        var directories = new List<ManifestEntry>();
        var files = new List<(string Path, FileInfo Info)>();
        Walk(new DirectoryInfo(root), string.Empty, directories, files, modes, log);
        if (include is not null)
        {
            // Folders are stale like files: dotnet publish makes a folder only to put a file in
            // it, so a folder with no deployed file under it (emptied, or holding only stale
            // files) was left by an earlier publish. Deployed, it would block a shared folder of
            // the same name from being linked.
            files = files.Where(f => include(f.Path, f.Info)).ToList();
            var holders = files.SelectMany(f => Ancestors(f.Path)).ToHashSet(StringComparer.Ordinal);
            foreach (var folder in directories.Where(d => !holders.Contains(d.Path) && (ParentOf(d.Path).Length == 0 || holders.Contains(ParentOf(d.Path)))))
            {
                log.Detail($"  not deployed: {folder.Path}/ (no file of this publish is in it)");
            }

            directories = directories.Where(d => holders.Contains(d.Path)).ToList();
        }

        var hashed = new ConcurrentBag<ManifestEntry>();
        if (live is not null)
        {
            files = files.Where(file => !KnownWithoutReading(file.Path, file.Info, live, keptSizes, hashed, modes)).ToList();
        }

        try
        {
            Hash(files, hashed, modes, cancellationToken);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is IOException or UnauthorizedAccessException))
        {
            var first = e.InnerExceptions[0];
            throw new DeployException(ErrorCodes.SourceMissing, $"A file of the publish folder cannot be read ({first.GetType().Name}: {first.Message}). Check the folder, or publish again.", first);
        }

        return new ReleaseManifest(directories.Concat(hashed));
    }

    /// <summary>
    /// <paramref name="manifest"/> with the hash of each file left <see cref="ManifestEntry.HashedWhileSending"/>
    /// whose size is one of <paramref name="sizes"/> computed from <paramref name="root"/>: the files
    /// an upload may take from the server's kept releases instead of sending them.
    /// </summary>
    public static ReleaseManifest HashFilesOfSizes(string root, ReleaseManifest manifest, IReadOnlySet<long> sizes, CancellationToken cancellationToken)
    {
        var toHash = manifest.Entries.Where(e => !e.IsDirectory && e.Sha256 == ManifestEntry.HashedWhileSending && sizes.Contains(e.Size)).ToArray();
        if (toHash.Length == 0)
        {
            return manifest;
        }

        var hashes = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        try
        {
            Parallel.ForEach(toHash, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, entry =>
            {
                using var stream = FileHash.OpenSequential(Path.Combine(root, entry.Path));
                // A file that changed size since the scan is sent and hashed by that read, as before.
                if (stream.Length == entry.Size)
                {
                    hashes[entry.Path] = FileHash.Sha256(stream);
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is IOException or UnauthorizedAccessException))
        {
            var first = e.InnerExceptions[0];
            throw new DeployException(ErrorCodes.SourceMissing, $"A file of the publish folder cannot be read ({first.GetType().Name}: {first.Message}). Check the folder, or publish again.", first);
        }

        return manifest.WithHashes(hashes);
    }

    /// <summary>Adds the entry of a file that needs no reading now, and says whether it did.</summary>
    private static bool KnownWithoutReading(string path, FileInfo info, ReleaseManifest live, IReadOnlySet<long>? keptSizes, ConcurrentBag<ManifestEntry> entries, FileModes modes)
    {
        var modified = info.LastWriteTimeUtc.Ticks;
        if (!live.ByPath.TryGetValue(path, out var old) || old.IsDirectory || old.Size != info.Length)
        {
            if (keptSizes?.Contains(info.Length) == true)
            {
                return false;
            }

            entries.Add(new ManifestEntry(path, false, info.Length, ManifestEntry.HashedWhileSending, modes.Of(info, path)) { Modified = modified });
            return true;
        }

        if (old.Modified == modified && old.Sha256.Length == 64)
        {
            entries.Add(new ManifestEntry(path, false, info.Length, old.Sha256, modes.Of(info, path)) { Modified = modified });
            return true;
        }

        return false;
    }

    private static void Hash(List<(string Path, FileInfo Info)> files, ConcurrentBag<ManifestEntry> hashed, FileModes modes, CancellationToken cancellationToken) =>
        Parallel.ForEach(
            files,
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            file =>
            {
                using var stream = FileHash.OpenSequential(file.Info.FullName);
                var hash = FileHash.Sha256(stream);
                hashed.Add(new ManifestEntry(file.Path, false, stream.Length, hash, modes.Of(file.Info, file.Path)) { Modified = file.Info.LastWriteTimeUtc.Ticks });
            });

    private static void Walk(DirectoryInfo directory, string prefix, List<ManifestEntry> directories, List<(string, FileInfo)> files, FileModes modes, IDeployLog log)
    {
        FileSystemInfo[] entries;
        try
        {
            entries = directory.GetFileSystemInfos();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new DeployException(ErrorCodes.SourceMissing, $"The folder '{(prefix.Length == 0 ? directory.FullName : prefix.TrimEnd('/'))}' of the publish output cannot be read ({e.GetType().Name}). Check its permissions, or publish again.", e);
        }

        if (entries.Any(PublishFolderCheck.NameLost))
        {
            PublishFolderCheck.RefuseNamesNotUtf8(directory.FullName, prefix);
        }

        foreach (var entry in entries)
        {
            var path = prefix + entry.Name;
            if (entry is DirectoryInfo subdirectory)
            {
                if (subdirectory.LinkTarget is not null)
                {
                    log.Warning(ErrorCodes.SourceEntrySkipped, $"'{path}' in the publish folder is a symlink to a folder and is not deployed. Copy the folder into the publish output instead.");
                    continue;
                }

                directories.Add(new ManifestEntry(path, true, 0, string.Empty, modes.Of(subdirectory, path)));
                Walk(subdirectory, path + "/", directories, files, modes, log);
            }
            else if (entry is FileInfo file)
            {
                var target = file.LinkTarget is null ? file : ResolveOrNull(file);
                if (target is null || !target.Exists)
                {
                    log.Warning(ErrorCodes.SourceEntrySkipped, $"'{path}' in the publish folder is a broken symlink (or a loop of them) and is not deployed.");
                    continue;
                }

                files.Add((path, target));
            }
        }
    }

    private static FileInfo? ResolveOrNull(FileInfo link)
    {
        try
        {
            return (FileInfo?)link.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException)
        {
            // A symlink loop: reported as a broken link.
            return null;
        }
    }

    private static string ParentOf(string path) => path.LastIndexOf('/') is var slash and > 0 ? path[..slash] : string.Empty;

    private static IEnumerable<string> Ancestors(string path)
    {
        for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
        {
            yield return path[..slash];
        }
    }
}
