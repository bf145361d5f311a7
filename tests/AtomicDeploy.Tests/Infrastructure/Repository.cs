namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>Paths in this repository, found from the test assembly's location.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AtomicDeploy.Tasks.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with AtomicDeploy.Tasks.sln) was not found above " + AppContext.BaseDirectory);
    }
}
