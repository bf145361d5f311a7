using LibGit2Sharp;

namespace AtomicDeploy.Core.History;

/// <summary>
/// Reads the commit, branch and dirty state of the project being deployed. Every LibGit2Sharp call
/// is here: if the native library cannot load, or there is no repository, the deploy goes on
/// without git metadata (with a coded warning in the first case).
/// </summary>
public static class GitMetadata
{
    /// <summary>Reads git metadata for the folder <paramref name="projectFolder"/>, or returns null.</summary>
    public static GitInfo? TryRead(string projectFolder, IDeployLog log) =>
        // Outside a repository, LibGit2Sharp and libgit2 are not even loaded.
        InRepository(projectFolder) ? Read(projectFolder, log) : null;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static GitInfo? Read(string projectFolder, IDeployLog log)
    {
        try
        {
            if (Repository.Discover(projectFolder) is not { } repositoryPath)
            {
                return null;
            }

            using var repository = new Repository(repositoryPath);
            var tip = repository.Head.Tip;
            if (tip is null)
            {
                return null;
            }

            var dirty = repository.RetrieveStatus(new StatusOptions { IncludeUntracked = false }).IsDirty;
            return new GitInfo(tip.Sha, repository.Info.IsHeadDetached ? null : repository.Head.FriendlyName, dirty);
        }
        catch (Exception e) when (e is LibGit2SharpException or DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException)
        {
            log.Warning(ErrorCodes.GitUnavailable, $"Git metadata is not recorded for this release: {e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    private static bool InRepository(string folder)
    {
        for (var at = new DirectoryInfo(folder); at is not null; at = at.Parent)
        {
            if (Directory.Exists(Path.Combine(at.FullName, ".git")) || File.Exists(Path.Combine(at.FullName, ".git")))
            {
                return true;
            }
        }

        return false;
    }
}
