using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// A script prefix that runs what follows on a PATH of every tool in /usr/bin but those whose names
/// start with <c>tool</c> (linked into a folder of <paramref name="folder"/>), for testing the
/// fallback of a server script on a server without that tool. The prefix exits 9 if the tool is
/// still found, so a test cannot pass by accident.
/// </summary>
internal static class PathWithout
{
    public static string Prefix(TempFolder folder, string tool) =>
        $"PATH={ShellQuote.Quote(Folder(folder, tool))}; export PATH\ncommand -v {tool} && exit 9\n";

    /// <summary>
    /// The folder itself, for a PATH of its own (a server's sessions, <see cref="SshServer.StartWithPath"/>);
    /// <paramref name="folder"/> is opened to every user, so another user's sessions can use it.
    /// </summary>
    public static string Folder(TempFolder folder, string tool)
    {
        Assert.IsTrue(File.Exists(Path.Combine("/usr/bin", tool)), $"this machine has {tool}, so the fallback is tested without it");
        File.SetUnixFileMode(folder.Path, (UnixFileMode)0b111_101_101);
        var tools = folder.Combine("tools");
        Directory.CreateDirectory(tools);
        foreach (var other in Directory.GetFiles("/usr/bin").Where(t => !Path.GetFileName(t).StartsWith(tool, StringComparison.Ordinal)))
        {
            File.CreateSymbolicLink(Path.Combine(tools, Path.GetFileName(other)), other);
        }

        return tools;
    }
}
