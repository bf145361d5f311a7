using System.Security.Cryptography;
using System.Text;

namespace AtomicDeploy.Core.Manifest;

/// <summary>The manifest a server already holds that a new one can be written as edits of: the live release's, as the deploy read it.</summary>
/// <param name="Release">The release it belongs to (its file is <c>.atomicdeploy/manifests/RELEASE.json</c>).</param>
/// <param name="Manifest">Its entries, as parsed.</param>
public sealed record ManifestBase(string Release, ReleaseManifest Manifest);

/// <summary>
/// A new release's manifest as edits of the live one's, so a deploy that changed a few files sends
/// a few records instead of every file's path and hash again. Both manifests are cut into records
/// where an entry starts (<see cref="RecordStart"/>; the part before the first is the header), and
/// the delta says, record by record, what to copy from the old one, what to skip and what to
/// insert. Its first line carries the new manifest's SHA-256: the server keeps what it rebuilt only
/// if it has that hash, and otherwise the client sends the whole manifest, so a live manifest that
/// differs from what the client read (written by another version, edited by hand) costs bytes,
/// never a wrong manifest. The server's half is <see cref="Remote.ManifestDeltaScripts"/>.
/// </summary>
public static class ManifestDelta
{
    /// <summary>The delta's first word.</summary>
    public const string Tag = "atomicdeploy-manifest-delta";

    /// <summary>Where every entry of a serialised manifest starts: a path cannot hold it unescaped (JSON writes its quote as an escape).</summary>
    public const string RecordStart = "{\"path\":";

    private static readonly byte[] Start = Encoding.ASCII.GetBytes(RecordStart);

    /// <summary>
    /// The delta that turns <paramref name="basis"/> (a serialised manifest) into <paramref name="next"/>,
    /// or null when it would not be less than half as long as <paramref name="next"/> itself.
    /// </summary>
    public static byte[]? Of(byte[] basis, byte[] next)
    {
        var old = Records(basis);
        var first = new Dictionary<int, int>(old.Count);
        for (var i = old.Count - 1; i >= 0; i--)
        {
            first[Key(basis, old[i])] = i;
        }

        var delta = new MemoryStream();
        delta.Write(Encoding.ASCII.GetBytes($"{Tag} {Convert.ToHexString(SHA256.HashData(next)).ToLowerInvariant()}\n"));
        var at = 0;
        var copying = 0;
        foreach (var record in Records(next))
        {
            var text = next.AsSpan(record.Start, record.Length);
            var found = at < old.Count && Same(basis, old[at], text) ? at
                : first.TryGetValue(Key(next, record), out var j) && j > at && Same(basis, old[j], text) ? j : -1;
            if (found < 0)
            {
                Op(delta, '=', copying);
                copying = 0;
                delta.WriteByte((byte)'+');
                delta.Write(text);
                delta.WriteByte((byte)'\n');
                continue;
            }

            if (found > at)
            {
                Op(delta, '=', copying);
                copying = 0;
                Op(delta, '-', found - at);
            }

            copying++;
            at = found + 1;
        }

        Op(delta, '=', copying);
        return delta.Length * 2 < next.Length ? delta.ToArray() : null;
    }

    /// <summary>The records of a serialised manifest: the header, then one from each <see cref="RecordStart"/> to the next.</summary>
    private static List<Range> Records(byte[] json)
    {
        var records = new List<Range>();
        var span = json.AsSpan();
        var from = 0;
        var start = span.IndexOf(Start);
        while (start >= 0)
        {
            records.Add(new Range(from, start - from));
            from = start;
            var rest = span[(from + Start.Length)..].IndexOf(Start);
            start = rest < 0 ? -1 : from + Start.Length + rest;
        }

        records.Add(new Range(from, json.Length - from));
        return records;
    }

    private static void Op(MemoryStream delta, char op, int count)
    {
        if (count > 0)
        {
            delta.Write(Encoding.ASCII.GetBytes($"{op}{count}\n"));
        }
    }

    private static int Key(byte[] json, Range record)
    {
        var hash = default(HashCode);
        hash.AddBytes(json.AsSpan(record.Start, record.Length));
        return hash.ToHashCode();
    }

    private static bool Same(byte[] json, Range record, ReadOnlySpan<byte> text) => json.AsSpan(record.Start, record.Length).SequenceEqual(text);

    private readonly record struct Range(int Start, int Length);
}
