using System.Text.Json;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Planning;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// Reads what <see cref="RemoteScripts.KeptFiles"/> prints: a first line <c>verify sha256sum</c>,
/// then one line per file, <c>RELEASE "path":...,"type":"f","size":N,"sha256":"HEX","mode":M</c>
/// (the file's record cut from its manifest). Reuse only saves bytes, and the server checks every
/// source again, so a line that does not read as such a file is skipped, never an error.
/// </summary>
internal static class KeptFileLines
{
    private const string VerifyLine = "verify sha256sum";

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The files listed, or null when the host has no tool to check a hash with.</summary>
    public static IReadOnlyList<KeptFile>? Parse(string text)
    {
        var lines = text.Split('\n');
        if (lines[0] != VerifyLine)
        {
            return null;
        }

        var files = new List<KeptFile>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length > 16 && line[14] == ' ' && ReleaseName.IsReleaseName(line[..14]) && Read(line[15..]) is { } item
                && DeployPath.TryNormaliseRelative(item.Path, out var path) && path == item.Path && item.Size >= 0)
            {
                files.Add(new KeptFile(line[..14], path, item.Size, item.Sha256!, item.Mode));
            }
        }

        return files;
    }

    private static Item? Read(string record)
    {
        try
        {
            var item = JsonSerializer.Deserialize<Item>("{" + record + "}", Options);
            return item is { Type: "f", Path: not null, Sha256: not null } && KeptContent.IsHash(item.Sha256) ? item : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Item(string? Path, string? Type, long Size, string? Sha256, int Mode);
}
