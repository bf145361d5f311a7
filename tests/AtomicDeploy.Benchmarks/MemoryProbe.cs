using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using AtomicDeploy.Core.Ssh;
using AtomicDeploy.Tests.Infrastructure;

namespace AtomicDeploy.Benchmarks;

/// <summary>
/// Peak memory of a deploy of a 1 GB folder: a separate process deploys it (straight to sshd: the
/// shaped link would only make it slower, not change what the engine holds) and reports its peak
/// working set (VmHWM from /proc/self/status).
/// </summary>
internal static class MemoryProbe
{
    public const string ChildCommand = "memory-child";
    private const long Gigabyte = 1L << 30;

    public sealed record Result(long PeakBytes, TimeSpan Elapsed, long FolderBytes, int FolderFiles);

    public static Result Measure(SshServer server, string workFolder)
    {
        var source = BigFolder(Path.Combine(workFolder, "big"));
        var root = server.NewDeployFolder();
        var (host, prefix) = SelfCommand();
        var result = ProcessRunner.Run(host, [.. prefix, ChildCommand, server.User, server.Port.ToString(CultureInfo.InvariantCulture), server.KnownHostsFile, server.ClientKeyFile, root, source], timeout: TimeSpan.FromMinutes(15));
        Directory.Delete(Path.GetDirectoryName(root)!, recursive: true);
        var line = result.Output.Split('\n').FirstOrDefault(l => l.StartsWith("peak ", StringComparison.Ordinal));
        if (result.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"The 1 GB deploy failed ({result.ExitCode}): {result.All}");
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

    /// <summary>
    /// 1 GB from a fixed seed: four 128 MB files (large files must stream, not sit in memory) and
    /// 2,048 files of 256 KB; half the content is text-like (compressible), half random.
    /// </summary>
    private static string BigFolder(string folder)
    {
        var stamp = folder + ".done";
        if (File.Exists(stamp))
        {
            return folder;
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Console.WriteLine("Writing the 1 GB folder (once; cached)...");
        var random = new Random(1234);
        var block = new byte[1 << 20];
        void Write(string path, long size, bool text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var file = File.Create(path);
            for (var left = size; left > 0; left -= block.Length)
            {
                random.NextBytes(block);
                if (text)
                {
                    for (var i = 0; i < block.Length; i++)
                    {
                        block[i] = (byte)('a' + (block[i] % 8));
                    }
                }

                file.Write(block, 0, (int)Math.Min(block.Length, left));
            }
        }

        for (var i = 0; i < 4; i++)
        {
            Write(Path.Combine(folder, "large", $"blob{i}.bin"), Gigabyte / 8, i % 2 == 0);
        }

        for (var i = 0; i < 2048; i++)
        {
            Write(Path.Combine(folder, "small", $"d{i / 128:00}", $"f{i:0000}.dat"), Gigabyte / 2 / 2048, i % 2 == 0);
        }

        File.WriteAllText(stamp, "ok\n");
        return folder;
    }
}
