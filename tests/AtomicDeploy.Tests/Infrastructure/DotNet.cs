namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>The environment for the dotnet CLI in tests: no telemetry, no lingering build servers, temp files in the test's own folder, and optionally an isolated package folder.</summary>
internal static class DotNet
{
    /// <param name="packagesFolder">An isolated NuGet package folder, or null for the machine's.</param>
    /// <param name="tempFolder">Where the CLI and MSBuild put their temp files (a test's own folder, deleted with it).</param>
    public static Dictionary<string, string?> Environment(string? packagesFolder, string tempFolder)
    {
        Directory.CreateDirectory(tempFolder);
        var environment = new Dictionary<string, string?>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["ATOMICDEPLOY_SSH_KEY"] = null,
            ["ATOMICDEPLOY_SSH_PASSPHRASE"] = null,
            ["ATOMICDEPLOY_SSH_PASSWORD"] = null,
            ["SSH_AUTH_SOCK"] = null,
            // The tests' builds write no summary into the CI run that runs the tests (issue 19).
            ["GITHUB_STEP_SUMMARY"] = null,
            ["TF_BUILD"] = null,
            ["TMPDIR"] = tempFolder,
        };
        if (packagesFolder is not null)
        {
            environment["NUGET_PACKAGES"] = packagesFolder;
        }

        return environment;
    }

    /// <summary>Runs the dotnet CLI (no build node left behind) in this environment, plus <paramref name="extra"/> variables, for at most five minutes.</summary>
    public static ProcessResult Run(IEnumerable<string> arguments, string workingDirectory, string? packagesFolder, string tempFolder, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var environment = Environment(packagesFolder, tempFolder);
        foreach (var (name, value) in extra ?? new Dictionary<string, string?>())
        {
            environment[name] = value;
        }

        return ProcessRunner.Run("dotnet", [.. arguments, "-nodeReuse:false"], workingDirectory, environment, TimeSpan.FromMinutes(5));
    }
}
