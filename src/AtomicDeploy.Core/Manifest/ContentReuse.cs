using System.Globalization;
using System.Text;

namespace AtomicDeploy.Core.Manifest;

/// <summary>A file to send that the host already holds: it is linked (or copied) from <paramref name="Source"/> instead.</summary>
/// <param name="Entry">The file in the new release.</param>
/// <param name="Source">The file with the same content, relative to the deploy folder (<c>releases/NAME/PATH</c>).</param>
/// <param name="SameMode">Whether the source has the entry's mode as its release's manifest records it, so it may be hard-linked; otherwise it is copied and given the mode.</param>
public sealed record ReusedFile(ManifestEntry Entry, string Source, bool SameMode = true);

/// <summary>
/// Content-addressed reuse: which files of an upload need not travel because their content is
/// already on the host, in a kept release under any path (a renamed or fingerprinted asset, a
/// revert). The server checks every source before it uses it (see <see cref="Remote.RemoteScripts.Upload"/>),
/// so a wrong manifest there costs a resend, never a wrong file.
/// </summary>
public static class ContentReuse
{
    /// <summary>
    /// The files of <paramref name="diff"/> whose content <paramref name="kept"/> holds (with the same
    /// mode or not); a file with setuid, setgid or sticky bits is sent, never placed by the server's chmod.
    /// </summary>
    public static IReadOnlyList<ReusedFile> Plan(ManifestDiff diff, KeptContent kept) =>
        diff.ToSend
            .Where(e => !e.IsDirectory && KeptContent.IsHash(e.Sha256) && Listable(e.Path) && e.Mode is >= 0 and <= 0x1FF)
            .Select(e => kept.SourceOf(e) is { } source ? new ReusedFile(e, source.Source, source.Mode == e.Mode) : null)
            .OfType<ReusedFile>()
            .ToArray();

    /// <summary>
    /// The files reusable the same way on every host of a group that shares one stream: what the
    /// stream leaves out must be reusable on each of them.
    /// </summary>
    public static IReadOnlyList<ReusedFile> Common(IReadOnlyList<IReadOnlyList<ReusedFile>> perHost) =>
        perHost.Count == 0 ? [] : perHost.Skip(1).Aggregate((IEnumerable<ReusedFile>)perHost[0], (common, next) => common.Intersect(next)).ToArray();

    /// <summary>
    /// The list the server reads: one line per file, <c>hash TAB mode (octal) TAB how TAB source TAB path</c>,
    /// where how is <c>ln</c> (a hard link may be used) or <c>cp</c> (copy, then set the mode).
    /// Only paths without control characters or backslashes are reused (<see cref="Listable"/>), so
    /// each line stays one line for the shell's <c>read</c> and for <c>sha256sum</c>'s output.
    /// </summary>
    public static byte[] ListText(IEnumerable<ReusedFile> reused)
    {
        var text = new StringBuilder();
        foreach (var file in reused)
        {
            text.Append(CultureInfo.InvariantCulture, $"{file.Entry.Sha256}\t{Convert.ToString(file.Entry.Mode, 8)}\t{(file.SameMode ? "ln" : "cp")}\t{file.Source}\t{file.Entry.Path}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Whether a path can be named in the list: no control character, no backslash.</summary>
    internal static bool Listable(string path) => path.Length > 0 && !path.Any(c => c < ' ' || c == '\x7f' || c == '\\');
}
