using System.Security.Cryptography;
using System.Text;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Manifest;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class PublishFolderScannerTests
{
    private const UnixFileMode Mode644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Mode755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    [TestMethod]
    public void Each_file_is_recorded_with_its_size_and_the_SHA256_of_its_content()
    {
        using var folder = new TempFolder();
        var dll = Write(folder, "HelloWeb.dll", new byte[] { 0x4D, 0x5A, 0x90, 0x00, 0xFF });
        var json = Write(folder, "appsettings.json", Encoding.UTF8.GetBytes("{\"Logging\":{}}\n"));
        var empty = Write(folder, "empty.txt", []);
        var large = Write(folder, "large.bin", Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray());

        var manifest = Scan(folder);

        foreach (var (path, content) in new[] { ("HelloWeb.dll", dll), ("appsettings.json", json), ("empty.txt", empty), ("large.bin", large) })
        {
            var entry = manifest.ByPath[path];
            Assert.IsFalse(entry.IsDirectory);
            Assert.AreEqual((long)content.Length, entry.Size, path);
            Assert.AreEqual(Convert.ToHexStringLower(SHA256.HashData(content)), entry.Sha256, path);
        }

        Assert.AreEqual("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", manifest.ByPath["empty.txt"].Sha256);
        Assert.AreEqual(4, manifest.FileCount);
        Assert.AreEqual(5L + json.Length + 300_000, manifest.TotalBytes);
    }

    [TestMethod]
    public void Folders_are_listed_with_relative_slash_separated_paths_including_empty_ones()
    {
        using var folder = new TempFolder();
        Write(folder, "wwwroot/css/site.css", "body{}"u8.ToArray());
        Write(folder, "wwwroot/index.html", "<html/>"u8.ToArray());
        Directory.CreateDirectory(folder.Combine("logs"));

        var manifest = Scan(folder);

        CollectionAssert.AreEqual(
            new[] { "logs", "wwwroot", "wwwroot/css", "wwwroot/css/site.css", "wwwroot/index.html" },
            manifest.Entries.Select(e => e.Path).ToArray());
        foreach (var name in new[] { "logs", "wwwroot", "wwwroot/css" })
        {
            var entry = manifest.ByPath[name];
            Assert.IsTrue(entry.IsDirectory, name);
            Assert.AreEqual(0L, entry.Size, name);
            Assert.AreEqual(string.Empty, entry.Sha256, name);
        }
    }

    [TestMethod]
    public void Hidden_files_and_folders_are_deployed_like_any_other()
    {
        using var folder = new TempFolder();
        Write(folder, ".env", "A=1"u8.ToArray());
        Write(folder, "wwwroot/.well-known/security.txt", "Contact: x"u8.ToArray());

        var manifest = Scan(folder);

        CollectionAssert.AreEqual(
            new[] { ".env", "wwwroot", "wwwroot/.well-known", "wwwroot/.well-known/security.txt" },
            manifest.Entries.Select(e => e.Path).ToArray());
    }

    [TestMethod]
    public void Unix_permission_bits_of_files_and_folders_are_recorded()
    {
        using var folder = new TempFolder();
        Write(folder, "HelloWeb", "ELF"u8.ToArray());
        Write(folder, "appsettings.json", "{}"u8.ToArray());
        Write(folder, "secret.json", "{}"u8.ToArray());
        Write(folder, "private/key.txt", "k"u8.ToArray());
        File.SetUnixFileMode(folder.Combine("HelloWeb"), Mode755);
        File.SetUnixFileMode(folder.Combine("appsettings.json"), Mode644);
        File.SetUnixFileMode(folder.Combine("secret.json"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(folder.Combine("private"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);

        var manifest = Scan(folder);

        Assert.AreEqual(0b111_101_101, manifest.ByPath["HelloWeb"].Mode);
        Assert.AreEqual(0b110_100_100, manifest.ByPath["appsettings.json"].Mode);
        Assert.AreEqual(0b110_000_000, manifest.ByPath["secret.json"].Mode);
        Assert.AreEqual(0b111_101_000, manifest.ByPath["private"].Mode);
    }

    [TestMethod]
    [DataRow("with space.txt")]
    [DataRow("it's \"quoted\".txt")]
    [DataRow("line\nbreak.txt")]
    [DataRow("$HOME `id`.txt")]
    [DataRow("ünïcødé ✓ 日本.txt")]
    public void A_file_name_with_unusual_characters_is_recorded_as_it_is(string name)
    {
        using var folder = new TempFolder();
        Write(folder, "sub dir/" + name, "x"u8.ToArray());

        var manifest = Scan(folder);

        CollectionAssert.AreEqual(new[] { "sub dir", "sub dir/" + name }, manifest.Entries.Select(e => e.Path).ToArray());
    }

    [TestMethod]
    public void The_include_filter_keeps_accepted_files_and_only_the_folders_that_hold_one()
    {
        using var folder = new TempFolder();
        Write(folder, "HelloWeb.dll", "dll"u8.ToArray());
        Write(folder, "Stale.dll", "stale"u8.ToArray());
        Write(folder, "wwwroot/css/site.css", "css"u8.ToArray());
        Write(folder, "wwwroot/old/removed.js", "js"u8.ToArray());
        Write(folder, "stale-folder/a.txt", "a"u8.ToArray());
        Directory.CreateDirectory(folder.Combine("empty"));
        var published = new HashSet<string>(StringComparer.Ordinal) { "HelloWeb.dll", "wwwroot/css/site.css" };
        var seen = new List<string>();

        var manifest = PublishFolderScanner.Scan(
            folder.Path,
            (path, file) =>
            {
                seen.Add(path);
                Assert.AreEqual(Path.Combine(folder.Path, path), file.FullName, "the filter gets the file of the path");
                return published.Contains(path);
            },
            new WarningLog(),
            CancellationToken.None);

        CollectionAssert.AreEqual(
            new[] { "HelloWeb.dll", "wwwroot", "wwwroot/css", "wwwroot/css/site.css" },
            manifest.Entries.Select(e => e.Path).ToArray(),
            "folders that are empty or held only left-out files go, like stale files");
        CollectionAssert.AreEquivalent(
            new[] { "HelloWeb.dll", "Stale.dll", "stale-folder/a.txt", "wwwroot/css/site.css", "wwwroot/old/removed.js" },
            seen,
            "the filter is asked about files, not folders");
    }

    [TestMethod]
    public void An_empty_folder_left_by_an_earlier_publish_is_not_deployed_even_with_no_stale_file()
    {
        using var folder = new TempFolder();
        Write(folder, "MyShop.dll", "dll"u8.ToArray());
        Directory.CreateDirectory(folder.Combine("Data"));
        Directory.CreateDirectory(folder.Combine("wwwroot", "old", "older"));
        Write(folder, "wwwroot/index.html", "x"u8.ToArray());
        var log = new RecordingLog();

        var manifest = PublishFolderScanner.Scan(folder.Path, (_, _) => true, log, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "MyShop.dll", "wwwroot", "wwwroot/index.html" }, manifest.Entries.Select(e => e.Path).ToArray());
        CollectionAssert.AreEqual(new[] { "  not deployed: Data/ (no file of this publish is in it)", "  not deployed: wwwroot/old/ (no file of this publish is in it)" }, log.Lines.Order(StringComparer.Ordinal).ToArray());
    }

    [TestMethod]
    public void Without_an_include_filter_a_folder_of_your_own_deploys_as_it_is_with_its_empty_folders()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.Combine("Data"));

        var manifest = PublishFolderScanner.Scan(folder.Path, null, new WarningLog(), CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "Data" }, manifest.Entries.Select(e => e.Path).ToArray());
    }

    [TestMethod]
    public void An_include_filter_that_accepts_nothing_gives_an_empty_release()
    {
        using var folder = new TempFolder();
        Write(folder, "wwwroot/index.html", "x"u8.ToArray());

        var manifest = PublishFolderScanner.Scan(folder.Path, (_, _) => false, new WarningLog(), CancellationToken.None);

        Assert.IsEmpty(manifest.Entries);
    }

    [TestMethod]
    public void A_symlink_to_a_file_is_recorded_as_the_file_it_points_to()
    {
        using var folder = new TempFolder();
        var content = Write(folder, "real/appsettings.json", "{\"a\":1}"u8.ToArray());
        File.CreateSymbolicLink(folder.Combine("appsettings.json"), "real/appsettings.json");
        var log = new WarningLog();

        var manifest = PublishFolderScanner.Scan(folder.Path, null, log, CancellationToken.None);

        var entry = manifest.ByPath["appsettings.json"];
        Assert.IsFalse(entry.IsDirectory);
        Assert.AreEqual((long)content.Length, entry.Size);
        Assert.AreEqual(Convert.ToHexStringLower(SHA256.HashData(content)), entry.Sha256);
        Assert.IsEmpty(log.Warnings);
    }

    [TestMethod]
    public void A_symlink_to_a_folder_is_skipped_with_a_warning_naming_it()
    {
        using var folder = new TempFolder();
        Write(folder, "real/a.txt", "a"u8.ToArray());
        Directory.CreateSymbolicLink(folder.Combine("linked"), "real");
        var log = new WarningLog();

        var manifest = PublishFolderScanner.Scan(folder.Path, null, log, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "real", "real/a.txt" }, manifest.Entries.Select(e => e.Path).ToArray());
        var warning = Assert.ContainsSingle(log.Warnings);
        Assert.AreEqual(ErrorCodes.SourceEntrySkipped, warning.Code);
        Assert.Contains("'linked'", warning.Message);
    }

    [TestMethod]
    public void A_broken_symlink_is_skipped_with_a_warning_naming_it()
    {
        using var folder = new TempFolder();
        Write(folder, "app.dll", "a"u8.ToArray());
        File.CreateSymbolicLink(folder.Combine("dangling.json"), "missing.json");
        var log = new WarningLog();

        var manifest = PublishFolderScanner.Scan(folder.Path, null, log, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "app.dll" }, manifest.Entries.Select(e => e.Path).ToArray());
        var warning = Assert.ContainsSingle(log.Warnings);
        Assert.AreEqual(ErrorCodes.SourceEntrySkipped, warning.Code);
        Assert.Contains("'dangling.json'", warning.Message);
    }

    [TestMethod]
    public void A_loop_of_symlinks_is_skipped_with_a_warning_not_a_crash()
    {
        using var folder = new TempFolder();
        Write(folder, "app.dll", "a"u8.ToArray());
        File.CreateSymbolicLink(folder.Combine("l1"), "l2");
        File.CreateSymbolicLink(folder.Combine("l2"), "l1");
        var log = new WarningLog();

        var manifest = PublishFolderScanner.Scan(folder.Path, null, log, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "app.dll" }, manifest.Entries.Select(e => e.Path).ToArray());
        Assert.HasCount(2, log.Warnings);
        Assert.IsTrue(log.Warnings.All(w => w.Code == ErrorCodes.SourceEntrySkipped));
    }

    [TestMethod]
    public void A_plain_publish_folder_gives_no_warning()
    {
        using var folder = new TempFolder();
        Write(folder, "wwwroot/index.html", "x"u8.ToArray());
        var log = new WarningLog();

        PublishFolderScanner.Scan(folder.Path, null, log, CancellationToken.None);

        Assert.IsEmpty(log.Warnings);
    }

    [TestMethod]
    public void A_missing_folder_is_refused_with_a_message_naming_it()
    {
        using var folder = new TempFolder();
        var missing = folder.Combine("bin", "Release", "publish");

        var error = Assert.ThrowsExactly<DeployException>(() => PublishFolderScanner.Scan(missing, null, new WarningLog(), CancellationToken.None));

        Assert.AreEqual(ErrorCodes.SourceMissing, error.Code);
        Assert.Contains(missing, error.Message);
    }

    [TestMethod]
    public void A_cancelled_scan_stops()
    {
        using var folder = new TempFolder();
        Write(folder, "app.dll", "a"u8.ToArray());
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsExactly<OperationCanceledException>(() => PublishFolderScanner.Scan(folder.Path, null, new WarningLog(), cancellation.Token));
    }

    private static ReleaseManifest Scan(TempFolder folder)
    {
        var log = new WarningLog();
        var manifest = PublishFolderScanner.Scan(folder.Path, null, log, CancellationToken.None);
        Assert.IsEmpty(log.Warnings);
        return manifest;
    }

    private static byte[] Write(TempFolder folder, string relativePath, byte[] content)
    {
        var path = folder.Combine(relativePath.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return content;
    }

    private sealed class WarningLog : IDeployLog
    {
        private readonly List<(string Code, string Message)> _warnings = [];

        public IReadOnlyList<(string Code, string Message)> Warnings
        {
            get
            {
                lock (_warnings)
                {
                    return _warnings.ToArray();
                }
            }
        }

        public void Summary(string message)
        {
        }

        public void Info(string message)
        {
        }

        public void Detail(string message)
        {
        }

        public void Warning(string code, string message)
        {
            lock (_warnings)
            {
                _warnings.Add((code, message));
            }
        }
    }
}
