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

        var walk = new WalkState(include, live, keptSizes, modes, log);
        walk.Walk(new DirectoryInfo(root), string.Empty);
        // Folders are stale like files: dotnet publish makes a folder only to put a file in it, so a
        // folder with no deployed file under it (emptied, or holding only stale files) was left by an
        // earlier publish. Deployed, it would block a shared folder of the same name from being linked.
        foreach (var folder in walk.NotDeployed.Order(StringComparer.Ordinal))
        {
            log.Detail($"  not deployed: {folder}/ (no file of this publish is in it)");
        }

        var hashed = new ConcurrentBag<ManifestEntry>();
        try
        {
            Hash(root, walk.ToRead, hashed, modes, cancellationToken);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is IOException or UnauthorizedAccessException))
        {
            var first = e.InnerExceptions[0];
            throw new DeployException(ErrorCodes.SourceMissing, $"A file of the publish folder cannot be read ({first.GetType().Name}: {first.Message}). Check the folder, or publish again.", first);
        }

        return new ReleaseManifest(walk.Entries.Concat(hashed));
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

    private static void Hash(string root, List<Found> files, ConcurrentBag<ManifestEntry> hashed, FileModes modes, CancellationToken cancellationToken) =>
        Parallel.ForEach(
            files,
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            file =>
            {
                var source = file.Target ?? Path.Combine(root, file.Path);
                using var stream = FileHash.OpenSequential(source);
                var hash = FileHash.Sha256(stream);
                var mode = file.Mode != Found.ModeFromContent ? file.Mode : modes.Of(new FileInfo(source), file.Path);
                hashed.Add(new ManifestEntry(file.Path, false, stream.Length, hash, mode) { Modified = file.Modified });
            });

    /// <summary>
    /// One walk of the publish folder. A file is kept only as what the deploy needs of it, never as
    /// its <see cref="FileInfo"/> (tens of thousands of those, each with its full path, were most of
    /// a large scan's memory), and a file that needs no reading becomes its entry as it is found.
    /// </summary>
    private sealed class WalkState(Func<string, FileInfo, bool>? include, ReleaseManifest? live, IReadOnlySet<long>? keptSizes, FileModes modes, IDeployLog log)
    {
        /// <summary>The folders, and the files whose hash is known without reading them.</summary>
        public List<ManifestEntry> Entries { get; } = [];

        /// <summary>The files to read for their hash.</summary>
        public List<Found> ToRead { get; } = [];

        /// <summary>The highest folders that hold no file of the publish (with <c>include</c> only): not deployed.</summary>
        public List<string> NotDeployed { get; } = [];

        /// <summary>
        /// Walks <paramref name="directory"/> (at <paramref name="prefix"/> in the release); true when a
        /// file under it is deployed (with <c>include</c>: without it, every folder is deployed anyway).
        /// </summary>
        public bool Walk(DirectoryInfo directory, string prefix)
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

            var holds = false;
            var empty = new List<string>();
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

                    // Without include (not a publish output) every folder is deployed, empty or not.
                    if (Walk(subdirectory, path + "/") || include is null)
                    {
                        Entries.Add(new ManifestEntry(path, true, 0, string.Empty, modes.Of(subdirectory, path)));
                        holds = true;
                    }
                    else
                    {
                        empty.Add(path);
                    }
                }
                else if (entry is FileInfo file)
                {
                    var target = file.LinkTarget is null ? file : ResolveOrNull(file);
                    if (target is null || !target.Exists)
                    {
                        log.Warning(ErrorCodes.SourceEntrySkipped, $"'{path}' in the publish folder is a broken symlink (or a loop of them) and is not deployed.");
                        continue;
                    }

                    if (include is null || include(path, target))
                    {
                        // Where the mode comes from a file's first bytes (Windows), a file to hash gets it in the parallel read.
                        var mode = modes.ReadsContent ? Found.ModeFromContent : modes.Of(target, path);
                        Add(new Found(path, ReferenceEquals(target, file) ? null : target.FullName, target.Length, target.LastWriteTimeUtc.Ticks, mode), target);
                        holds = true;
                    }
                }
            }

            // A folder holding nothing is reported where its parent is deployed (or is the root).
            if (holds || prefix.Length == 0)
            {
                NotDeployed.AddRange(empty);
            }

            return holds;
        }

        /// <summary>
        /// A file with the live entry's path, size and time takes its hash unread; a new or resized
        /// one is hashed while it is sent (unless a kept release may hold its content); the others
        /// are read now. A file with a live entry takes that entry's path string: the live manifest
        /// is held for the whole deploy, so a second copy of every path would only add to its memory.
        /// </summary>
        private void Add(Found file, FileInfo target)
        {
            if (live is null)
            {
                ToRead.Add(file);
                return;
            }

            if (!live.ByPath.TryGetValue(file.Path, out var old) || old.IsDirectory || old.Size != file.Length)
            {
                if (keptSizes?.Contains(file.Length) == true)
                {
                    ToRead.Add(file);
                    return;
                }

                Entries.Add(new ManifestEntry(old?.Path ?? file.Path, false, file.Length, ManifestEntry.HashedWhileSending, ModeOf(file, target)) { Modified = file.Modified });
                return;
            }

            if (old.Modified == file.Modified && old.Sha256.Length == 64)
            {
                Entries.Add(new ManifestEntry(old.Path, false, file.Length, old.Sha256, ModeOf(file, target)) { Modified = file.Modified });
                return;
            }

            ToRead.Add(file with { Path = old.Path });
        }

        private int ModeOf(Found file, FileInfo target) => file.Mode != Found.ModeFromContent ? file.Mode : modes.Of(target, file.Path);
    }

    /// <summary>A file of the publish folder: its path in the release, the file a symlink there resolves to (null: the file itself), and its status when found.</summary>
    private readonly record struct Found(string Path, string? Target, long Length, long Modified, int Mode)
    {
        /// <summary>The <see cref="Mode"/> of a file whose mode is read from its content when it is needed.</summary>
        public const int ModeFromContent = -1;
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
}
