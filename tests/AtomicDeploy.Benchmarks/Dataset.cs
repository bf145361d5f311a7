using System.Text;
using AtomicDeploy.Tests.Infrastructure;

namespace AtomicDeploy.Benchmarks;

/// <summary>
/// The folders the benchmark deploys: a real self-contained publish of a minimal ASP.NET Core app
/// plus 2,000 small static files made from a fixed seed, and variants of it with some files changed.
/// Unchanged files of a variant are hard links to the base, so making variants is cheap.
/// </summary>
internal sealed class Dataset
{
    public const int StaticFiles = 2000;
    private const int Seed = 20261127;

    private Dataset(string folder, string publish)
    {
        Folder = folder;
        Base = publish;
        Files = Directory.EnumerateFiles(publish, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(publish, f))
            .Order(StringComparer.Ordinal)
            .ToList();
        Bytes = Files.Sum(f => new FileInfo(Path.Combine(publish, f)).Length);
    }

    public string Folder { get; }

    /// <summary>The publish folder every scenario starts from.</summary>
    public string Base { get; }

    public IReadOnlyList<string> Files { get; }

    public long Bytes { get; }

    /// <summary>Makes (or reuses) the dataset under <paramref name="folder"/>.</summary>
    public static Dataset Build(string folder)
    {
        var publish = Path.Combine(folder, "base");
        var stamp = Path.Combine(folder, "base.done");
        if (!File.Exists(stamp))
        {
            if (Directory.Exists(publish))
            {
                Directory.Delete(publish, recursive: true);
            }

            PublishApp(publish);
            WriteStaticFiles(Path.Combine(publish, "wwwroot", "static"));
            File.WriteAllText(stamp, "ok\n");
        }

        return new Dataset(folder, publish);
    }

    /// <summary>
    /// A copy of the base with <paramref name="count"/> files rewritten (same size, new content),
    /// picked with a fixed seed: from the static files when <paramref name="staticOnly"/>, else
    /// from all files. <paramref name="flavour"/> makes two variants of one scenario differ.
    /// </summary>
    public string Variant(string name, int count, bool staticOnly, int flavour)
    {
        var target = FreshCopy(name);
        var pool = staticOnly ? Files.Where(f => f.StartsWith("wwwroot/static/", StringComparison.Ordinal)).ToList() : Files.ToList();
        var random = new Random(Seed + count);
        foreach (var file in pool.OrderBy(_ => random.Next()).Take(count))
        {
            var path = Path.Combine(target, file);
            var bytes = File.ReadAllBytes(path);
            var change = new Random(Seed + flavour + file.Length);
            // A small edit at a random place, as a rebuild or an edited asset makes.
            var at = bytes.Length == 0 ? 0 : change.Next(bytes.Length);
            for (var i = at; i < Math.Min(bytes.Length, at + 64); i++)
            {
                bytes[i] = (byte)change.Next(256);
            }

            File.Delete(path);
            File.WriteAllBytes(path, bytes);
        }

        return target;
    }

    /// <summary>A copy of the base in which <paramref name="count"/> static files (picked with a fixed seed) have new names, their content unchanged; <paramref name="flavour"/> picks the names.</summary>
    public string Renamed(string name, int count, int flavour)
    {
        var target = FreshCopy(name);
        var random = new Random(Seed + count);
        foreach (var file in Files.Where(f => f.StartsWith("wwwroot/static/", StringComparison.Ordinal)).OrderBy(_ => random.Next()).Take(count))
        {
            var path = Path.Combine(target, file);
            File.Move(path, Path.Combine(Path.GetDirectoryName(path)!, $"{Path.GetFileNameWithoutExtension(path)}.r{flavour}{Path.GetExtension(path)}"));
        }

        return target;
    }

    /// <summary>The base plus small static files up to <paramref name="files"/> files in all (an app with a large wwwroot); made once, cached.</summary>
    public string Large(int files)
    {
        var target = Path.Combine(Folder, $"large-{files}");
        var stamp = target + ".done";
        if (File.Exists(stamp))
        {
            return target;
        }

        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        ProcessRunner.Check("cp", "-al", Base, target);
        var random = new Random(Seed + files);
        for (var i = 0; i < files - Files.Count; i++)
        {
            var sub = Path.Combine(target, "wwwroot", "static", "many", $"d{i / 500:000}");
            Directory.CreateDirectory(sub);
            var bytes = new byte[200 + random.Next(1800)];
            for (var b = 0; b < bytes.Length; b++)
            {
                bytes[b] = (byte)('a' + random.Next(20));
            }

            File.WriteAllBytes(Path.Combine(sub, $"f{i:00000}.txt"), bytes);
        }

        File.WriteAllText(stamp, "ok\n");
        return target;
    }

    private string FreshCopy(string name)
    {
        var target = Path.Combine(Folder, "variants", name);
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        ProcessRunner.Check("cp", "-al", Base, target);
        return target;
    }

    private static void PublishApp(string output)
    {
        using var source = new TempFolder("atomicdeploy-bench-app-");
        File.WriteAllText(source.Combine("BenchWeb.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
                <SelfContained>true</SelfContained>
                <Deterministic>true</Deterministic>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(source.Combine("Program.cs"), "var app = WebApplication.Create(args);\napp.MapGet(\"/\", () => \"ok\");\napp.Run();\n");
        Console.WriteLine("Publishing a self-contained ASP.NET Core app (once; cached)...");
        var result = ProcessRunner.Run("dotnet", ["publish", "-c", "Release", "-o", output, "--nologo"], source.Path, timeout: TimeSpan.FromMinutes(10));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed: {result.All}");
        }
    }

    /// <summary>
    /// 2,000 small static files: text assets (css, js, html, json) of words from a fixed seed, and
    /// binary images of random bytes, 500 B to 8 KB with most of them small, as a site's assets are.
    /// </summary>
    private static void WriteStaticFiles(string folder)
    {
        var random = new Random(Seed);
        string[] words = ["color", "margin", "function", "return", "display", "const", "padding", "var", "div", "span", "width", "height", "border", "flex", "grid", "this", "value", "data", "item", "list"];
        string[] textKinds = ["css", "js", "html", "json"];
        for (var i = 0; i < StaticFiles; i++)
        {
            var sub = Path.Combine(folder, $"s{i / 100:00}");
            Directory.CreateDirectory(sub);
            var size = (int)(500 + Math.Pow(random.NextDouble(), 2) * 7700);
            if (i % 4 == 3)
            {
                var image = new byte[size];
                random.NextBytes(image);
                File.WriteAllBytes(Path.Combine(sub, $"img{i:0000}.png"), image);
                continue;
            }

            var text = new StringBuilder(size + 16);
            while (text.Length < size)
            {
                text.Append(words[random.Next(words.Length)]).Append(random.Next(4) == 0 ? ";\n" : " ");
            }

            File.WriteAllText(Path.Combine(sub, $"asset{i:0000}.{textKinds[i % 4]}"), text.ToString(0, size));
        }
    }
}
