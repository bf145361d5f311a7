using System.IO.Compression;
using System.Text;
using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// <c>AtomicDeployOnceCommand</c> through <c>dotnet publish</c> on a fleet of real sshd hosts: it runs
/// on exactly one host (the first of <c>AtomicDeployOnceRole</c>), in the new release, before any
/// host switches, with the build's variable it names and that value in no log; when it fails, no
/// host switches and no host keeps a half-made release.
/// </summary>
[TestClass]
public sealed class RunOnceThroughPublish
{
    private const string Secret = "Host=db;Password=pw-5d1e7a-never-logged";

    [TestMethod]
    public void The_run_once_command_runs_on_one_host_with_its_variable_and_its_failure_switches_no_host()
    {
        SshFleet.RequireRoot();

        using var fleet = new SshFleet(3);
        using var app = new WebApp();
        using var folder = new TempFolder();
        var s = fleet.Servers;

        // The docs' EF Core recipe, with a script standing in for the migrations bundle: efbundle ships
        // in the publish output and runs as ./efbundle --connection "$DB". It records where it ran, in
        // which release, what current was, and the connection it got; it prints the connection too,
        // which the build log must not show.
        app.Write("efbundle", """
            #!/bin/sh
            [ "$1" = --connection ] || { echo 'usage: efbundle --connection <connection string>' >&2; exit 2; }
            echo "$ATOMICDEPLOY_RELEASE $(readlink "$ATOMICDEPLOY_PATH/current")" >> "$ATOMICDEPLOY_PATH/once.log"
            printf '%s' "$2" > "$ATOMICDEPLOY_PATH/once-db"
            echo "Applying migrations with $2"
            [ "$FAIL_ONCE" != fail-run ] || { echo 'Migration 20260101_AddOrders failed.'; exit 1; }
            echo Done.

            """);
        // As in the project file: after the SDK's default items, so the Update finds the file.
        app.Write("Directory.Build.targets", """
            <Project>
              <ItemGroup>
                <None Update="efbundle" CopyToPublishDirectory="PreserveNewest" />
              </ItemGroup>
            </Project>
            """);
        File.SetUnixFileMode(Path.Combine(app.ProjectFolder, "efbundle"), (UnixFileMode)0b111_101_101);
        app.Write("Directory.Build.props", $"""
            <Project>
              <PropertyGroup>
                <AtomicDeployOnceCommand>./efbundle --connection "$DB"</AtomicDeployOnceCommand>
                <AtomicDeployOnceRole>migrator</AtomicDeployOnceRole>
                <AtomicDeployOnceEnvironment>DB;FAIL_ONCE</AtomicDeployOnceEnvironment>
              </PropertyGroup>
              <ItemGroup>
                <AtomicDeployHost Include="127.0.0.1" Port="{s[0].Port}" User="{s[0].User}" Role="web" />
                <AtomicDeployHost Include="127.0.0.1" Port="{s[1].Port}" User="{s[1].User}" Role="migrator" />
                <AtomicDeployHost Include="127.0.0.1" Port="{s[2].Port}" User="{s[2].User}" Role="migrator" />
              </ItemGroup>
            </Project>
            """);
        string[] arguments =
        [
            "-p:AtomicDeploy=true",
            $"-p:AtomicDeployPath={fleet.Root}",
            $"-p:AtomicDeployPrivateKeyFile={fleet.ClientKeyFile}",
            $"-p:AtomicDeployKnownHostsFile={fleet.KnownHostsFile}",
        ];

        // A variable it names that the build's environment lacks: refused before any host is contacted.
        var missing = app.PublishWith(new Dictionary<string, string?> { ["DB"] = Secret, ["FAIL_ONCE"] = null }, arguments);
        Assert.AreNotEqual(0, missing.ExitCode, missing.All);
        StringAssert.Contains(missing.Output, $"error {ErrorCodes.OnceVariableMissing}: AtomicDeployOnceEnvironment names FAIL_ONCE, and the build's environment has no variable FAIL_ONCE");
        Assert.IsTrue(s.All(server => server.AcceptedLogins == 0), "no host was contacted");

        var binlog = folder.Combine("deploy.binlog");
        var first = app.PublishWith(BuildEnvironment(fail: false), [.. arguments, "-v:diag", $"-bl:{binlog}"]);

        Assert.AreEqual(0, first.ExitCode, first.Output[^Math.Min(6000, first.Output.Length)..]);
        var release1 = new RemoteTree(SshFleet.RootOn(s[0])).Releases.Single();
        var ran = s.Where(server => File.Exists(Path.Combine(SshFleet.RootOn(server), "once.log"))).ToArray();
        Assert.AreEqual(1, ran.Length, "exactly one host ran the command");
        Assert.AreSame(s[1], ran[0], "the first host of the role, not the first host");
        Assert.AreEqual($"{release1} \n", File.ReadAllText(Path.Combine(SshFleet.RootOn(s[1]), "once.log")), "in the new release, with nothing live yet");
        Assert.AreEqual(Secret, File.ReadAllText(Path.Combine(SshFleet.RootOn(s[1]), "once-db")), "the build's variable reached the command");
        StringAssert.Contains(first.Output, $"AtomicDeploy: [{s[1].HostSpec}] running the run-once command on {s[1].HostSpec} only, in releases/{release1}, before any host switches (given DB, FAIL_ONCE from the build's environment)");
        StringAssert.Contains(first.Output, "[run-once] Applying migrations with ***");
        Assert.IsTrue(s.All(server => new RemoteTree(SshFleet.RootOn(server)).CurrentLink == $"releases/{release1}"));
        AssertNowhere(first.All, binlog, folder);

        // The second deploy: the command runs while release1 is live, then fails. No host switches.
        app.Write("wwwroot/index.html", "<h1>version two</h1>");
        var second = app.PublishWith(BuildEnvironment(fail: true), arguments);

        Assert.AreNotEqual(0, second.ExitCode, second.All);
        StringAssert.Contains(second.Output, $"error {ErrorCodes.OnceFailed}: [{s[1].HostSpec}] The run-once command failed with exit code 1 in releases/");
        StringAssert.Contains(second.Output, "[run-once] Migration 20260101_AddOrders failed.");
        StringAssert.Contains(second.Output, "No host was switched");
        Assert.DoesNotContain(Secret, second.All);
        var attempted = File.ReadAllLines(Path.Combine(SshFleet.RootOn(s[1]), "once.log"));
        Assert.HasCount(2, attempted);
        StringAssert.EndsWith(attempted[1], $" releases/{release1}", "it ran before any host switched");
        Assert.AreEqual(1, s.Count(server => File.Exists(Path.Combine(SshFleet.RootOn(server), "once.log"))), "still only that host ran it");
        foreach (var server in s)
        {
            var tree = new RemoteTree(SshFleet.RootOn(server));
            Assert.AreEqual($"releases/{release1}", tree.CurrentLink, server.HostSpec);
            CollectionAssert.AreEqual(new[] { release1 }, tree.Releases, $"no half-made release on {server.HostSpec}");
            StringAssert.Contains(tree.CurrentFile("wwwroot/index.html"), "Hello from HelloWeb");
            var failed = tree.HistoryLines[^1];
            StringAssert.Contains(failed, "\"outcome\":\"failed\"");
            StringAssert.Contains(failed, server == s[1] ? ErrorCodes.OnceFailed : ErrorCodes.FleetHostFailed);
        }
    }

    private static Dictionary<string, string?> BuildEnvironment(bool fail) => new()
    {
        ["DB"] = Secret,
        ["FAIL_ONCE"] = fail ? "fail-run" : "ok-run",
        ["MSBUILDLOGALLENVIRONMENTVARIABLES"] = null,
    };

    /// <summary>The value is in neither the diagnostic console log, nor the binlog's events, nor a log replayed from it.</summary>
    private static void AssertNowhere(string console, string binlog, TempFolder folder)
    {
        using var gzip = new GZipStream(File.OpenRead(binlog), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        var events = bytes.ToArray();
        var replayLog = folder.Combine("replay.log");
        var replay = DotNet.Run(["msbuild", binlog, $"-flp:logfile={replayLog};verbosity=diagnostic", "-noconlog"], folder.Path, null, folder.Combine("tmp"));
        Assert.AreEqual(0, replay.ExitCode, replay.All);
        var replayed = File.ReadAllText(replayLog);

        // The checks can find things: the command's output is in all three.
        StringAssert.Contains(replayed, "Applying migrations with ***");
        Assert.IsTrue(Contains(events, "Applying migrations with ***"), "the binlog was read");
        foreach (var part in new[] { Secret, "pw-5d1e7a-never-logged" })
        {
            Assert.DoesNotContain(part, console, "the value is in the diagnostic console log");
            Assert.DoesNotContain(part, replayed, "the value is in the log replayed from the binlog");
            Assert.IsFalse(Contains(events, part), "the value is in the binlog");
        }
    }

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0 || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(needle)) >= 0;
}
