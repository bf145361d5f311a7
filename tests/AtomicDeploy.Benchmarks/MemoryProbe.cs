using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using AtomicDeploy.Core.Ssh;
using AtomicDeploy.Tests.Infrastructure;

namespace AtomicDeploy.Benchmarks;

/// <summary>
/// Peak memory of the engine in a deploy: a separate process deploys (straight to sshd: the shaped
/// link would only make it slower, not change what the engine holds) and reports its peak working
/// set (VmHWM from /proc/self/status).
/// </summary>
internal static class MemoryProbe
{
    public const string ChildCommand = "memory-child";

    public sealed record Result(long PeakBytes, TimeSpan Elapsed, long FolderBytes, int FolderFiles);

    /// <summary>The engine's peak working set in a no-change deploy of <paramref name="source"/> (a first deploy by one child, then the measured one by another).</summary>
    public static Result MeasureNoChange(SshServer server, string source)
    {
        var root = server.NewDeployFolder();
        var (host, prefix) = SelfCommand();
        string[] arguments = [.. prefix, ChildCommand, server.User, server.Port.ToString(CultureInfo.InvariantCulture), server.KnownHostsFile, server.ClientKeyFile, root, source];
        ProcessRunner.Run(host, arguments, timeout: TimeSpan.FromMinutes(15));
        var result = ProcessRunner.Run(host, arguments, timeout: TimeSpan.FromMinutes(15));
        Directory.Delete(Path.GetDirectoryName(root)!, recursive: true);
        var line = result.Output.Split('\n').FirstOrDefault(l => l.StartsWith("peak ", StringComparison.Ordinal));
        if (result.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"The no-change deploy failed ({result.ExitCode}): {result.All}");
        }

        var parts = line.Split(' ');
        var files = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).ToList();
        return new Result(long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024, TimeSpan.FromMilliseconds(double.Parse(parts[2], CultureInfo.InvariantCulture)), files.Sum(f => new FileInfo(f).Length), files.Count);
    }

    /// <summary>The child: one deploy, then its peak working set in KB and its time in ms.</summary>
    public static int Child(string[] args)
    {
        var clock = Stopwatch.StartNew();
        var settings = EngineDeploy.Settings(args[0], int.Parse(args[1], CultureInfo.InvariantCulture), args[2], args[3]);
        var shell = SshShell.Connect(settings, _ => null, "/nonexistent-home", CancellationToken.None);
        EngineDeploy.Deploy(shell, args[4], args[5]);
        var peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        Console.WriteLine($"peak {peak} {clock.ElapsedMilliseconds}");
        return 0;
    }

    private static (string Host, string[] Prefix) SelfCommand()
    {
        var process = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? (process, [Assembly.GetEntryAssembly()!.Location])
            : (process, []);
    }
}
