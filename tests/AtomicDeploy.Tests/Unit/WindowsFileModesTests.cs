using System.Runtime.InteropServices;
using AtomicDeploy.Core.Manifest;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// Issue 19: on Windows (injected here) the scanner decides modes from the content: ELF executables
/// that are not shared libraries, <c>#!</c> scripts and the apphost 0755, the rest 0644, folders 0755.
/// The files are real: this machine's own executables and the .NET runtime's shared libraries.
/// </summary>
[TestClass]
public sealed class WindowsFileModesTests
{
    private const int Executable = 0b111_101_101;
    private const int Plain = 0b110_100_100;

    [TestMethod]
    public void On_Windows_executables_scripts_and_the_apphost_are_0755_and_every_other_file_0644()
    {
        using var folder = new TempFolder();
        File.Copy("/bin/ls", folder.Combine("tool"));
        File.Copy(Runtime("createdump"), folder.Combine("createdump"));
        File.Copy(Runtime("libSystem.Native.so"), folder.Combine("libSystem.Native.so"));
        File.WriteAllText(folder.Combine("start.sh"), "#!/bin/sh\nexec ./MyShop\n");
        File.WriteAllText(folder.Combine("MyShop"), "the apphost the build names, whatever it holds");
        File.WriteAllText(folder.Combine("MyShop.dll"), "MZ");
        File.WriteAllBytes(folder.Combine("short.bin"), [0x7F, (byte)'E', (byte)'L', (byte)'F']);
        Directory.CreateDirectory(folder.Combine("wwwroot"));
        File.WriteAllText(folder.Combine("wwwroot/index.html"), "<h1>hi</h1>");
        foreach (var file in Directory.EnumerateFiles(folder.Path, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite); // the modes on disk play no part
        }

        var manifest = PublishFolderScanner.Scan(folder.Path, null, null, new RecordingLog(), CancellationToken.None, FileModes.For(windows: true, appHost: "MyShop"));

        var modes = manifest.Entries.ToDictionary(e => e.Path, e => e.Mode);
        CollectionAssert.AreEquivalent(
            new Dictionary<string, int>
            {
                ["tool"] = Executable,
                ["createdump"] = Executable,
                ["libSystem.Native.so"] = Plain,
                ["start.sh"] = Executable,
                ["MyShop"] = Executable,
                ["MyShop.dll"] = Plain,
                ["short.bin"] = Plain,
                ["wwwroot"] = Executable,
                ["wwwroot/index.html"] = Plain,
            }.ToArray(),
            modes.ToArray(),
            string.Join(", ", modes.Select(m => $"{m.Key}={Convert.ToString(m.Value, 8)}")));
    }

    [TestMethod]
    public void Off_Windows_the_modes_are_the_file_systems_and_for_the_runtimes_executables_the_rule_agrees()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.Combine("start.sh"), "#!/bin/sh\n");
        File.SetUnixFileMode(folder.Combine("start.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var manifest = PublishFolderScanner.Scan(folder.Path, null, null, new RecordingLog(), CancellationToken.None, FileModes.For(windows: false, appHost: null));

        Assert.AreEqual(0b110_000_000, manifest.ByPath["start.sh"].Mode, "a Linux build keeps what the file system says");
        foreach (var executable in new[] { Runtime("createdump"), "/bin/ls" })
        {
            var file = new FileInfo(executable);
            Assert.AreEqual(FileModes.FromFileSystem.Of(file, file.Name), FileModes.For(true, null).Of(file, file.Name), executable);
        }
    }

    [TestMethod]
    public void On_Windows_what_the_live_release_holds_with_the_same_content_keeps_its_mode_and_anything_else_gets_the_rules()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.Combine("MyShop.dll"), "MZ same");
        File.WriteAllText(folder.Combine("changed.dll"), "MZ new");
        File.WriteAllText(folder.Combine("added.dll"), "MZ added");
        var windows = FileModes.For(windows: true, appHost: null);
        var scanned = PublishFolderScanner.Scan(folder.Path, null, null, new RecordingLog(), CancellationToken.None, windows);
        var linuxBuild = 0b111_100_100; // NuGet unpacks the runtime's files as 0744
        var live = new ReleaseManifest([
            scanned.ByPath["MyShop.dll"] with { Mode = linuxBuild },
            new ManifestEntry("changed.dll", false, 5, new string('a', 64), linuxBuild),
        ]);

        var next = windows.KeepLiveModes(scanned, [live]);

        Assert.AreEqual(linuxBuild, next.ByPath["MyShop.dll"].Mode, "same content: the live mode stays, so nothing is deployed for it");
        Assert.AreEqual(Plain, next.ByPath["changed.dll"].Mode, "new content: the rule");
        Assert.AreEqual(Plain, next.ByPath["added.dll"].Mode);
        Assert.AreSame(scanned, FileModes.For(windows: false, appHost: null).KeepLiveModes(scanned, [live]), "a build with modes keeps its own");
    }

    [TestMethod]
    public void A_live_mode_is_kept_only_within_0755_when_every_host_agrees_and_never_takes_away_the_rules_execute_bit()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.Combine("MyShop.dll"), "MZ same");
        File.WriteAllText(folder.Combine("start.sh"), "#!/bin/sh\n");
        var windows = FileModes.For(windows: true, appHost: null);
        var scanned = PublishFolderScanner.Scan(folder.Path, null, null, new RecordingLog(), CancellationToken.None, windows);
        ReleaseManifest Live(int dll, int script) => new([scanned.ByPath["MyShop.dll"] with { Mode = dll }, scanned.ByPath["start.sh"] with { Mode = script }]);

        var forged = windows.KeepLiveModes(scanned, [Live(0b110_111_111 | 0xC00, Plain)]); // setuid, setgid, world-writable
        var disagreeing = windows.KeepLiveModes(scanned, [Live(0b111_100_100, Plain), Live(Plain, Plain)]);

        Assert.AreEqual(0b110_101_101, forged.ByPath["MyShop.dll"].Mode, "within 0755: no setuid, setgid or write bits for others from what a server records");
        Assert.AreEqual(Executable, forged.ByPath["start.sh"].Mode, "a script the rule makes executable stays so");
        Assert.AreEqual(Plain, disagreeing.ByPath["MyShop.dll"].Mode, "hosts that disagree get the rule's mode, so one host cannot set another's");
    }

    private static string Runtime(string name) => Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), name);
}
