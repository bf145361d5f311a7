namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// A fresh ASP.NET Core app outside this repository, as a user would have it: the HelloWeb
/// sample's code, PackageReferences to AtomicDeploy.Tasks and AtomicDeploy.AspNetCore from the local feed, and its own
/// isolated NuGet package folder.
/// </summary>
internal sealed class WebApp : IDisposable
{
    private readonly TempFolder _folder = new("atomicdeploy-app-");

    public WebApp()
    {
        Directory.CreateDirectory(ProjectFolder);
        var sample = Repository.Combine("samples", "HelloWeb");
        foreach (var file in Directory.EnumerateFiles(sample, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(sample, file);
            if (relative.EndsWith(".csproj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("Properties", StringComparison.Ordinal))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(ProjectFolder, relative))!);
            File.Copy(file, Path.Combine(ProjectFolder, relative));
        }

        File.WriteAllText(Path.Combine(ProjectFolder, "MyShop.csproj"), ProjectText($"""
            <PackageReference Include="AtomicDeploy.Tasks" Version="{PackageFeed.Version}" PrivateAssets="all" />
            <PackageReference Include="AtomicDeploy.AspNetCore" Version="{PackageFeed.Version}" />
            """));
        File.WriteAllText(Path.Combine(_folder.Path, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{PackageFeed.FolderPath}" />
              </packageSources>
            </configuration>
            """);
    }

    public string ProjectFolder => Path.Combine(_folder.Path, "MyShop");

    /// <summary>Lets the app restore public packages (EF Core, Identity) from nuget.org as well as ours from the local feed.</summary>
    public void UsePublicPackages() => File.WriteAllText(Path.Combine(_folder.Path, "nuget.config"), $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="local" value="{PackageFeed.FolderPath}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
        </configuration>
        """);

    /// <summary>The app's own NuGet package folder.</summary>
    public string PackagesFolder => Path.Combine(_folder.Path, "packages");

    /// <summary>Where the dotnet CLI puts its temp files for this app.</summary>
    public string CliTempFolder => Path.Combine(_folder.Path, "tmp");

    public string PublishFolder => Path.Combine(ProjectFolder, "bin", "Release", "net10.0", "publish");

    public void Write(string relative, string content)
    {
        var path = Path.Combine(ProjectFolder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>Makes the app's folder a git repository with one commit; returns the commit's id.</summary>
    public string CommitToGit()
    {
        File.WriteAllText(Path.Combine(ProjectFolder, ".gitignore"), "bin/\nobj/\n");
        ProcessRunner.Check("git", "-C", ProjectFolder, "init", "-q");
        ProcessRunner.Check("git", "-C", ProjectFolder, "add", "-A");
        ProcessRunner.Check("git", "-C", ProjectFolder, "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m", "first");
        return ProcessRunner.Check("git", "-C", ProjectFolder, "rev-parse", "HEAD").Trim();
    }

    public void Delete(string relative) => File.Delete(Path.Combine(ProjectFolder, relative));

    /// <summary>Runs <c>dotnet publish -c Release</c> with the given MSBuild properties.</summary>
    public ProcessResult Publish(params string[] properties) =>
        DotNetHere(["publish", "-c", "Release", .. properties.Select(p => "-p:" + p)]);

    /// <summary>Runs <c>dotnet publish -c Release</c> with these environment variables set (secrets, as CI sets them) and the given command-line arguments.</summary>
    public ProcessResult PublishWith(IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        DotNetHere(["publish", "-c", "Release", .. arguments], environment);

    /// <summary>Runs one target with <c>dotnet msbuild</c> and the given MSBuild properties.</summary>
    public ProcessResult RunTarget(string target, params string[] properties) =>
        DotNetHere(["msbuild", $"-t:{target}", "-p:Configuration=Release", .. properties.Select(p => "-p:" + p)]);

    /// <summary>Runs the dotnet CLI in the app's folder with exactly these arguments.</summary>
    public ProcessResult Run(params string[] arguments) => DotNetHere(arguments);

    /// <summary>The properties that point a publish at the test sshd, as a user would set them.</summary>
    public static string[] ServerProperties(SshServer server, string root) =>
    [
        "AtomicDeploy=true",
        $"AtomicDeployHost={server.HostSpec}",
        $"AtomicDeployPath={root}",
        $"AtomicDeployPrivateKeyFile={server.ClientKeyFile}",
        $"AtomicDeployKnownHostsFile={server.KnownHostsFile}",
    ];

    /// <summary>The app's project file with <paramref name="references"/> as its package references.</summary>
    public static string ProjectText(string references) => $"""
        <Project Sdk="Microsoft.NET.Sdk.Web">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <Version>1.0.0</Version>
          </PropertyGroup>
          <ItemGroup>
        {references}
          </ItemGroup>
        </Project>
        """;

    public void Dispose() => _folder.Dispose();

    private ProcessResult DotNetHere(string[] arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        DotNet.Run(arguments, ProjectFolder, PackagesFolder, CliTempFolder, environment);
}
