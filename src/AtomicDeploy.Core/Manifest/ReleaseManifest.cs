using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using AtomicDeploy.Core.Planning;

namespace AtomicDeploy.Core.Manifest;

/// <summary>
/// Every file and folder of a release with size, SHA-256 and mode. Stored as JSON in
/// <c>.atomicdeploy/manifests/&lt;release&gt;.json</c> on the server, never inside the release.
/// </summary>
public sealed class ReleaseManifest
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    /// <summary>Creates a manifest; entries are kept sorted by path (ordinal), which puts every folder before its content.</summary>
    public ReleaseManifest(IEnumerable<ManifestEntry> entries)
        : this(Sorted(entries))
    {
    }

    private ReleaseManifest(ManifestEntry[] sorted)
    {
        Entries = sorted;
        ByPath = sorted.ToDictionary(e => e.Path, StringComparer.Ordinal);
    }

    /// <summary>The manifest of an empty release.</summary>
    public static ReleaseManifest Empty { get; } = new([]);

    /// <summary>All entries, sorted by path.</summary>
    public IReadOnlyList<ManifestEntry> Entries { get; }

    /// <summary>Entries by path.</summary>
    public IReadOnlyDictionary<string, ManifestEntry> ByPath { get; }

    /// <summary>Total bytes of the files.</summary>
    public long TotalBytes => Entries.Sum(e => e.Size);

    /// <summary>Number of files (folders not counted).</summary>
    public int FileCount => Entries.Count(e => !e.IsDirectory);

    /// <summary>This manifest with the hashes computed while sending filled in.</summary>
    public ReleaseManifest WithHashes(IReadOnlyDictionary<string, string> hashes) =>
        new(Entries.Select(e => e.Sha256 == ManifestEntry.HashedWhileSending && !e.IsDirectory && hashes.TryGetValue(e.Path, out var hash) ? e with { Sha256 = hash } : e));

    /// <summary>Serialises the manifest.</summary>
    public byte[] ToJson(string release) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new Document(1, release, Entries.Select(e => new Item { Path = e.Path, Type = e.IsDirectory ? "d" : "f", Size = e.IsDirectory ? null : e.Size, Sha256 = e.IsDirectory ? null : e.Sha256, Mode = e.Mode, Modified = e.Modified }).ToArray()),
            JsonOptions);

    /// <summary>
    /// Reads a manifest written by <see cref="ToJson"/>. A manifest comes from the server, so every
    /// path is checked: one that is absolute or climbs out with <c>..</c> makes the whole manifest invalid.
    /// </summary>
    public static ReleaseManifest Parse(string json) => Parse(json.AsSpan());

    /// <inheritdoc cref="Parse(string)"/>
    public static ReleaseManifest Parse(ReadOnlySpan<char> json)
    {
        try
        {
            return FromDocument(JsonSerializer.Deserialize<Document>(json, JsonOptions));
        }
        catch (JsonException e)
        {
            throw Invalid($"it is not valid JSON ({e.Message})");
        }
    }

    /// <summary>
    /// As <see cref="Parse(string)"/>, for a manifest gzip-compressed (as the lock's channel brings
    /// it): read as it is decompressed, never whole as text.
    /// </summary>
    public static ReleaseManifest ParseCompressed(ReadOnlyMemory<byte> gzip)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(gzip, out var segment) ? segment : new ArraySegment<byte>(gzip.ToArray());
        try
        {
            using var json = new GZipStream(new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false), CompressionMode.Decompress);
            return FromDocument(JsonSerializer.Deserialize<Document>(json, JsonOptions));
        }
        catch (JsonException e)
        {
            throw Invalid($"it is not valid JSON ({e.Message})");
        }
        catch (InvalidDataException e)
        {
            throw Invalid($"it is not valid gzip ({e.Message})");
        }
    }

    private static ReleaseManifest FromDocument(Document? document)
    {
        if (document?.Entries is null || document.Format != 1)
        {
            throw Invalid("it has no entries or an unknown format");
        }

        var entries = new List<ManifestEntry>(document.Entries.Length);
        foreach (var item in document.Entries)
        {
            if (item is null)
            {
                throw Invalid("it has an empty entry");
            }

            if (item.Path is not { } path || !DeployPath.IsPlainRelative(path))
            {
                throw Invalid($"the entry '{item.Path}' is not a plain relative path");
            }

            var isDirectory = item.Type == "d";
            if (item.Mode is < 0 or > 0xFFF || (isDirectory && item.Size is not null) || (!isDirectory && (item.Type != "f" || item.Size is null or < 0 || item.Sha256 is null)))
            {
                throw Invalid($"the entry '{item.Path}' is incomplete");
            }

            entries.Add(new ManifestEntry(path, isDirectory, item.Size ?? 0, item.Sha256 ?? string.Empty, item.Mode) { Modified = item.Modified });
        }

        var sorted = Sorted(entries);
        for (var i = 1; i < sorted.Length; i++)
        {
            if (string.Equals(sorted[i - 1].Path, sorted[i].Path, StringComparison.Ordinal))
            {
                throw Invalid("it lists a path twice");
            }
        }

        return new ReleaseManifest(sorted);
    }

    /// <summary>The entries in path order (ordinal), sorted in place in one array: a manifest may have tens of thousands.</summary>
    private static ManifestEntry[] Sorted(IEnumerable<ManifestEntry> entries)
    {
        var sorted = entries.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        return sorted;
    }

    private static DeployException Invalid(string why) =>
        new(ErrorCodes.RemoteStateInvalid, $"The live release's manifest on the server cannot be used: {why}. Remove it from .atomicdeploy/manifests/ to make the next deploy send every file.");

    private sealed record Document(int Format, string Release, Item[] Entries);

    /// <summary>
    /// One entry as JSON. A class with setters, not a positional record: the serializer reads a record
    /// through its constructor, keeping every argument (boxed) until the object ends, for each of a
    /// large manifest's tens of thousands of entries.
    /// </summary>
    private sealed class Item
    {
        public string? Path { get; init; }

        public string? Type { get; init; }

        public long? Size { get; init; }

        public string? Sha256 { get; init; }

        public int Mode { get; init; }

        public long? Modified { get; init; }
    }
}
