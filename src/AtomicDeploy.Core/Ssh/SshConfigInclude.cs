namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// The files an <c>Include</c> argument names: <c>~</c> is the home folder, a relative path is
/// taken in ~/.ssh, and <c>*</c> or <c>?</c> in any part of it are wildcards, expanded in sorted
/// order as glob(3) does. A name that matches no file is not an error, as in OpenSSH.
/// </summary>
internal static class SshConfigInclude
{
    public static IEnumerable<string> Files(string argument, string sshFolder)
    {
        var home = Path.GetDirectoryName(sshFolder) ?? sshFolder;
        var path = LocalPath.UnderHome(argument, home)
            ?? (Path.IsPathRooted(argument) ? argument : Path.Combine(sshFolder, argument));
        var root = Path.GetPathRoot(path) ?? "/";
        IEnumerable<string> found = [root];
        foreach (var part in path[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            found = part.Contains('*') || part.Contains('?')
                ? found.Where(Directory.Exists).SelectMany(folder => Directory.EnumerateFileSystemEntries(folder)
                    .Where(entry => SshConfigPattern.Matches(Path.GetFileName(entry), part) && !Path.GetFileName(entry).StartsWith('.'))
                    .Order(StringComparer.Ordinal))
                : found.Select(folder => Path.Combine(folder, part));
        }

        return found.Where(File.Exists).ToArray();
    }
}
