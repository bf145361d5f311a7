using AtomicDeploy.Tests.Infrastructure;

namespace AtomicDeploy.Benchmarks;

/// <summary>
/// The dataset as a user's project: the benchmark's ASP.NET Core app referencing the AtomicDeploy
/// package packed from this repository (into a folder feed, restored into a package folder of
/// the benchmark's own), built once; every publish takes its static files from the folder named
/// by <c>BenchAssets</c>, so each scenario's variant is published as the project's own files.
/// </summary>
internal sealed class BenchApp
{
    private readonly string _folder;

    private BenchApp(string folder, string packages)
    {
        _folder = folder;
        Packages = packages;
    }

    /// <summary>The project file every publish builds from.</summary>
    public string Project => Path.Combine(_folder, "BenchWeb.csproj");

    /// <summary>
    /// A publish folder of its own, outside the project folder: the Web SDK takes the project
    /// folder's JSON and config files as content, so a publish folder inside it would be published
    /// again by the next publish (its files turned up in the "no change" deploys as added files, and
    /// 50,000 files there slowed every later publish of the app).
    /// </summary>
    public string PublishFolder(string name) => Path.Combine(Path.GetDirectoryName(_folder)!, "publish", name) + "/";

    /// <summary>The NuGet package folder of the benchmark (the tasks' package is restored fresh every run).</summary>
    public string Packages { get; }

    public string Temp => Path.Combine(Path.GetDirectoryName(_folder)!, "tmp");

    /// <summary>Packs the package, writes the project, restores and builds it once.</summary>
    public static BenchApp Create(string repo, string work)
    {
        var folder = Path.Combine(work, "app");
        var feed = Path.Combine(work, "feed");
        var packages = Path.Combine(work, "packages");
        foreach (var stale in new[] { folder, feed, Path.Combine(packages, "atomicdeploy.tasks") })
        {
            if (Directory.Exists(stale))
            {
                Directory.Delete(stale, recursive: true);
            }
        }

        Directory.CreateDirectory(folder);
        var app = new BenchApp(folder, packages);
        Console.WriteLine("Packing AtomicDeploy.Tasks and building the benchmark's app...");
        app.Check(["pack", Path.Combine(repo, "src", "AtomicDeploy.Tasks", "AtomicDeploy.Tasks.csproj"), "-c", "Release", "-o", feed, $"-p:ArtifactsPath={Path.Combine(work, "pack-artifacts")}/", "--nologo"], repo);
        File.WriteAllText(app.Project, $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
                <SelfContained>true</SelfContained>
                <Deterministic>true</Deterministic>
                <RestoreSources>{feed};https://api.nuget.org/v3/index.json</RestoreSources>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="AtomicDeploy.Tasks" Version="0.1.0" PrivateAssets="all" />
                <None Include="$(BenchAssets)/**" Condition="'$(BenchAssets)' != ''" CopyToPublishDirectory="PreserveNewest" LinkBase="wwwroot/static" />
              </ItemGroup>
            </Project>
            """);
        // A user's project: none of this repository's build settings apply to it.
        foreach (var stop in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(folder, stop), "<Project />\n");
        }

        File.WriteAllText(Path.Combine(folder, "Program.cs"), "var app = WebApplication.Create(args);\napp.MapGet(\"/\", () => \"ok\");\napp.Run();\n");
        app.Check(["build", app.Project, "-c", "Release", "--nologo"], folder);
        return app;
    }

    /// <summary>
    /// Runs <c>dotnet</c> as a user's shell would (a fresh process, no build node kept). With
    /// <paramref name="cpuTimes"/>, it runs under GNU time, which writes there the user and system
    /// CPU seconds of the process and of every child it waited for.
    /// </summary>
    public ProcessResult Run(IEnumerable<string> arguments, bool trace = false, string? cpuTimes = null) => Run(arguments, _folder, trace, cpuTimes);

    private ProcessResult Run(IEnumerable<string> arguments, string directory, bool trace = false, string? cpuTimes = null)
    {
        var environment = DotNet.Environment(Packages, Temp);
        if (trace)
        {
            environment["ATOMICDEPLOY_TRACE"] = "1";
        }

        return cpuTimes is null
            ? ProcessRunner.Run("dotnet", arguments, directory, environment, TimeSpan.FromMinutes(10))
            : ProcessRunner.Run("/usr/bin/time", ["-f", "%U %S", "-o", cpuTimes, "dotnet", .. arguments], directory, environment, TimeSpan.FromMinutes(10));
    }

    private void Check(IEnumerable<string> arguments, string directory)
    {
        var result = Run(arguments, directory);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed:\n{result.All}");
        }
    }
}
