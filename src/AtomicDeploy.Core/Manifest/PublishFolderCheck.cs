namespace AtomicDeploy.Core.Manifest;

/// <summary>
/// Checks the publish folder before any server is touched, for what the scanner cannot deploy
/// honestly: a symlinked file whose target leaves the folder (the scanner deploys what a link
/// points to, so a link to <c>~/.ssh/id_ed25519</c> left in the output would upload the key), and a
/// name that is not valid UTF-8 (.NET cannot open it, and the server's manifest needs UTF-8).
/// Links inside the folder are fine: they deploy as the file they point to.
/// </summary>
public static class PublishFolderCheck
{
    /// <summary>
    /// Throws <see cref="ErrorCodes.NameNotUtf8"/> for a name under <paramref name="root"/> that is
    /// not UTF-8, and <see cref="ErrorCodes.LinkLeavesPublishFolder"/> for a symlinked file whose
    /// target, every link resolved, is outside <paramref name="root"/>, unless
    /// <paramref name="allowLinksOutside"/> (<c>AtomicDeployAllowLinksOutside=true</c>).
    /// </summary>
    public static void Check(string root, bool allowLinksOutside)
    {
        if (!Directory.Exists(root) || RealPath.Resolve(root) is not { } realRoot)
        {
            return;
        }

        // Links to folders are not followed by the scanner (AD0303), so they are not followed here either.
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", options))
        {
            var path = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
            if (NameLost(entry))
            {
                RefuseNamesNotUtf8(Path.GetDirectoryName(entry.FullName)!, path.Contains('/', StringComparison.Ordinal) ? path[..(path.LastIndexOf('/') + 1)] : string.Empty);
            }

            if (allowLinksOutside || entry is not FileInfo { LinkTarget: not null })
            {
                continue;
            }

            var target = RealPath.Resolve(entry.FullName);
            if (target is not null && !target.StartsWith(realRoot.TrimEnd('/') + "/", StringComparison.Ordinal))
            {
                throw new DeployException(ErrorCodes.LinkLeavesPublishFolder,
                    $"'{path}' in the publish folder is a symlink to '{target}', which is outside the publish folder '{realRoot}': deploying it would upload that file. " +
                    "Copy the file into the publish output, or set AtomicDeployAllowLinksOutside=true to deploy what the link points to.");
            }
        }
    }

    /// <summary>Whether .NET could not decode the entry's name: U+FFFD in it, and nothing under the decoded name.</summary>
    internal static bool NameLost(FileSystemInfo entry) =>
        entry.Name.Contains('\uFFFD', StringComparison.Ordinal) && !File.Exists(entry.FullName) && !Directory.Exists(entry.FullName) && new FileInfo(entry.FullName).LinkTarget is null;

    /// <summary>Throws <see cref="ErrorCodes.NameNotUtf8"/> naming the entries of <paramref name="folder"/> (shown as <paramref name="prefix"/>) that are not UTF-8, bytes escaped.</summary>
    internal static void RefuseNamesNotUtf8(string folder, string prefix)
    {
        var names = RawFileNames.NotUtf8(folder);
        var shown = names.Count > 0 ? string.Join("', '", names.Select(n => prefix + n)) : prefix + "(a name with bytes that are not UTF-8)";
        throw new DeployException(ErrorCodes.NameNotUtf8,
            $"The publish folder holds '{shown}', a name that is not valid UTF-8 (bytes shown as \\xNN): it cannot be deployed. Rename it in UTF-8, or keep it out of the publish output.");
    }
}
