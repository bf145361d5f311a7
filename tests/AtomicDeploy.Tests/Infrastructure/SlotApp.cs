namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// A real ASP.NET Core app for the two-slot tests, published once per test run: it answers <c>/</c>
/// with the text of its release's <c>release.txt</c> and <c>/healthz</c> with 200, except that a
/// release whose text is <c>exit</c> exits at start and one whose text is <c>500</c> answers 500.
/// The start and stop commands run it as a user's would: detached, a pid file per slot.
/// </summary>
internal static class SlotApp
{
    public const string Assembly = "SlotApp.dll";

    /// <summary>Starts the release in the folder it runs in on <c>$ATOMICDEPLOY_APP_PORT</c>, detached from the SSH channel.</summary>
    public const string StartCommand =
        "setsid dotnet SlotApp.dll --urls \"http://127.0.0.1:$ATOMICDEPLOY_APP_PORT\" >\"$ATOMICDEPLOY_PATH/app-$ATOMICDEPLOY_APP_PORT.log\" 2>&1 </dev/null & echo $! >\"$ATOMICDEPLOY_PATH/app-$ATOMICDEPLOY_APP_PORT.pid\"";

    /// <summary>Stops the slot's process by its pid file (SIGTERM: Kestrel drains), waiting at most 10 s for it to exit.</summary>
    public const string StopCommand =
        "f=\"$ATOMICDEPLOY_PATH/app-$ATOMICDEPLOY_APP_PORT.pid\"; [ -f \"$f\" ] || exit 0; pid=$(cat \"$f\"); kill \"$pid\" 2>/dev/null; i=0; while kill -0 \"$pid\" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; rm -f \"$f\"";

    private static readonly Lazy<string> Published = new(Publish, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly TempFolder Folder = new("atomicdeploy-slotapp-");

    /// <summary>A fresh copy of the published app with <paramref name="release"/> as its text, to deploy.</summary>
    public static string Release(TempFolder into, string release)
    {
        var target = into.Combine("publish");
        if (!Directory.Exists(target))
        {
            ProcessRunner.Check("cp", "-a", Published.Value, target);
        }

        File.WriteAllText(Path.Combine(target, "release.txt"), release);
        return target;
    }

    /// <summary>The ids of the app processes running from releases under <paramref name="root"/> (by their working folder).</summary>
    public static IReadOnlyList<int> Processes(string root)
    {
        var found = new List<int>();
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out var pid))
            {
                continue;
            }

            try
            {
                var command = File.ReadAllText(Path.Combine(proc, "cmdline"));
                var cwd = new FileInfo(Path.Combine(proc, "cwd")).LinkTarget;
                if (command.Contains(Assembly, StringComparison.Ordinal) && cwd is not null && cwd.StartsWith(root + "/", StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone, or not ours to read.
            }
        }

        return found;
    }

    /// <summary>Kills what a test left running under <paramref name="root"/> (the app processes it started).</summary>
    public static void KillAll(string root)
    {
        foreach (var pid in Processes(root))
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Exited meanwhile.
            }
        }
    }

    /// <summary>Deletes the published app (at the end of the test run).</summary>
    public static void Delete() => Folder.Dispose();

    private static string Publish()
    {
        var project = Folder.Combine("SlotApp");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "SlotApp.csproj"), WebApp.ProjectText(string.Empty));
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            var builder = WebApplication.CreateBuilder(args);
            builder.Logging.ClearProviders();
            var release = File.ReadAllText(Path.Combine(builder.Environment.ContentRootPath, "release.txt")).Trim();
            if (release == "exit")
            {
                return 3;
            }

            var app = builder.Build();
            app.MapGet("/", () => release);
            app.MapGet("/healthz", () => release == "500" ? Results.StatusCode(500) : Results.Ok("ok"));
            app.Run();
            return 0;
            """);
        var output = Folder.Combine("publish");
        var result = DotNet.Run(["publish", "-c", "Release", "-o", output], project, null, Folder.Combine("tmp"));
        if (result.ExitCode != 0 || !File.Exists(Path.Combine(output, Assembly)))
        {
            throw new InvalidOperationException($"Publishing the slot app failed: {result.All}");
        }

        // The deploy user reads it on the server side.
        ProcessRunner.Check("chmod", "-R", "a+rX", Folder.Path);
        return output;
    }
}
