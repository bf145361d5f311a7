using System.IO.Compression;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// The real AtomicDeploy.Tasks package and its companion for the app, AtomicDeploy.AspNetCore,
/// packed once per test run into a local folder feed (built in a separate artifacts folder so it
/// does not disturb the test build).
/// </summary>
internal static class PackageFeed
{
    private static readonly Lazy<string> Feed = new(Pack, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly TempFolder Folder = new("atomicdeploy-feed-");

    public const string Version = "0.1.0";

    public static string FolderPath => Feed.Value;

    public static string PackagePath => Path.Combine(Feed.Value, $"AtomicDeploy.Tasks.{Version}.nupkg");

    public static ZipArchive OpenPackage() => ZipFile.OpenRead(PackagePath);

    /// <summary>Deletes the feed and the build it was packed from (at the end of the test run).</summary>
    public static void Delete() => Folder.Dispose();

    public static string CompanionPackagePath => Path.Combine(Feed.Value, $"AtomicDeploy.AspNetCore.{Version}.nupkg");

    private static string Pack()
    {
        var feed = Path.Combine(Folder.Path, "feed");
        foreach (var project in new[] { "AtomicDeploy.Tasks", "AtomicDeploy.AspNetCore" })
        {
            var result = DotNet.Run(
                ["pack", Repository.Combine("src", project, project + ".csproj"), "-c", "Release", "-o", feed, $"-p:ArtifactsPath={Path.Combine(Folder.Path, "artifacts")}/"],
                Repository.Root,
                null,
                Path.Combine(Folder.Path, "tmp"));
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet pack {project} failed:\n" + result.All);
            }
        }

        return feed;
    }
}
