using AtomicDeploy.Core.Planning;

namespace AtomicDeploy.Core.Manifest;

/// <summary>A file of a release kept on a host, as that release's manifest records it.</summary>
/// <param name="Release">The release folder's name (14 digits).</param>
/// <param name="Path">Relative to the release folder.</param>
/// <param name="Size">Length in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256, as recorded (the server checks it before the file is used).</param>
/// <param name="Mode">Unix permission bits, as recorded.</param>
public sealed record KeptFile(string Release, string Path, long Size, string Sha256, int Mode)
{
    /// <summary>The file relative to the deploy folder.</summary>
    public string Source => $"releases/{Release}/{Path}";
}

/// <summary>
/// What a host already holds by content: the files of its kept releases by SHA-256, in the order
/// they are preferred as a source (the live release first, then the newest other). Only a host
/// that can check a hash (<c>sha256sum</c>) offers any.
/// </summary>
public sealed class KeptContent
{
    private readonly Dictionary<string, List<KeptFile>> _byHash = new(StringComparer.Ordinal);

    private KeptContent(IEnumerable<KeptFile> files)
    {
        foreach (var file in files.Where(f => IsHash(f.Sha256) && ContentReuse.Listable(f.Path) && ReleaseName.IsReleaseName(f.Release)))
        {
            if (!_byHash.TryGetValue(file.Sha256, out var sources))
            {
                _byHash[file.Sha256] = sources = [];
            }

            sources.Add(file);
        }

        Sizes = _byHash.Values.SelectMany(s => s).Select(f => f.Size).ToHashSet();
    }

    /// <summary>Nothing to reuse.</summary>
    public static KeptContent None { get; } = new([]);

    /// <summary>The sizes of every file held: a new file of another size cannot be one of them, so it need not be hashed before it is sent.</summary>
    public IReadOnlySet<long> Sizes { get; }

    /// <summary>
    /// The content of the live release <paramref name="live"/> (its manifest as checked against its
    /// listing) and of the other kept releases (<paramref name="others"/>, as the state query found them).
    /// </summary>
    public static KeptContent Of(string? live, ReleaseManifest liveManifest, IEnumerable<KeptFile> others)
    {
        var fromLive = live is null
            ? []
            : liveManifest.Entries.Where(e => !e.IsDirectory).Select(e => new KeptFile(live, e.Path, e.Size, e.Sha256, e.Mode));
        return new KeptContent(fromLive.Concat(others.Where(f => f.Release != live).OrderByDescending(f => f.Release, StringComparer.Ordinal)));
    }

    /// <summary>
    /// The preferred file with the content of <paramref name="entry"/>, if one is held: one with its
    /// mode too if there is one (it can be hard-linked), else one of another mode (it is copied and
    /// given the mode, so a change of mode alone sends no bytes).
    /// </summary>
    public KeptFile? SourceOf(ManifestEntry entry) =>
        !entry.IsDirectory && _byHash.TryGetValue(entry.Sha256, out var sources)
            ? sources.Where(s => s.Size == entry.Size).OrderBy(s => s.Mode == entry.Mode ? 0 : 1).FirstOrDefault()
            : null;

    /// <summary>Whether <paramref name="value"/> is a SHA-256 as the manifests record it (64 lower-case hex digits).</summary>
    internal static bool IsHash(string value) => value.Length == 64 && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
