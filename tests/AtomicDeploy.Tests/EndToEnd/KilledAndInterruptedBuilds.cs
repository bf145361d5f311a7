using System.Diagnostics;
using System.Text;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// Real <c>dotnet publish</c> builds stopped in the middle of uploading a large file: one killed
/// with SIGKILL (no clean-up can run), one interrupted with Ctrl+C (SIGINT, which MSBuild turns
/// into <c>ICancelableTask.Cancel</c>). Neither blocks the next deploy or leaves a half-made release.
/// </summary>
[TestClass]
public sealed class KilledAndInterruptedBuilds
{
    [TestMethod]
    public void A_build_killed_or_interrupted_mid_upload_never_blocks_the_next_deploy_nor_leaves_a_half_made_release()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var app = new WebApp();

        // Through a link the test can pause, so the build is stopped while its upload still has
        // most of the file to send, however busy the machine is.
        using var link = new TcpProxy(server.Port);
        var properties = WebApp.ServerProperties(server, root)
            .Where(p => !p.StartsWith("AtomicDeployHost=", StringComparison.Ordinal) && !p.StartsWith("AtomicDeployKnownHostsFile=", StringComparison.Ordinal))
            .Append($"AtomicDeployHost={server.User}@127.0.0.1:{link.Port}")
            .Append($"AtomicDeployHostKeyFingerprint={server.HostKeyFingerprint("ed25519")}")
            .ToArray();
        var first = app.Publish(properties);
        Assert.AreEqual(0, first.ExitCode, first.All);
        var tree = new RemoteTree(root);
        var live = tree.Releases.Single();

        // SIGKILL to the whole build mid-file: the server sees the connection die.
        Wait.WriteRandomFile(Path.Combine(app.ProjectFolder, "wwwroot", "big.bin"), 150);
        var killed = StopMidUpload(app, properties, root, link, process => process.Kill(entireProcessTree: true));
        Assert.AreEqual($"releases/{live}", tree.CurrentLink, "a complete release stays live");
        StringAssert.Contains(tree.CurrentFile("wwwroot/index.html"), "Hello from HelloWeb");

        var next = app.Publish(properties);

        Assert.AreEqual(0, next.ExitCode, next.All);
        StringAssert.Contains(next.Output, $"warning {ErrorCodes.LeftoverRemoved}:");
        var release = tree.CurrentLink![^14..];
        CollectionAssert.AreEqual(new[] { live, release }, tree.Releases, $"the killed build's release is gone ({killed.Length} chars of output)");
        Assert.AreEqual(150 << 20, new FileInfo(tree.ReleasePath(release, "wwwroot/big.bin")).Length);
        StringAssert.Contains(tree.HistoryLines[^2], $"\"error\":\"{ErrorCodes.Interrupted}\"");

        // Ctrl+C mid-file: the build cleans up itself, and says so.
        Wait.WriteRandomFile(Path.Combine(app.ProjectFolder, "wwwroot", "big.bin"), 150);
        var interrupted = StopMidUpload(app, properties, root, link, process => ProcessRunner.Check("kill", "-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        // MSBuild turns Ctrl+C into Cancel() on the running task, which stops the upload and fails with AD0206.
        StringAssert.Contains(interrupted, "Attempting to cancel the build");
        StringAssert.Contains(interrupted, $"error {ErrorCodes.Cancelled}:");
        CollectionAssert.AreEqual(new[] { live, release }, tree.Releases, "the interrupted build removed its release itself:\n" + interrupted);
        Assert.AreEqual($"releases/{release}", tree.CurrentLink);
        StringAssert.Contains(tree.HistoryLines[^1], "\"outcome\":\"failed\"");
        StringAssert.Contains(tree.HistoryLines[^1], $"\"error\":\"{ErrorCodes.Cancelled}\"");
        using var shell = EngineDeploy.Connect(EngineDeploy.Settings(server));
        using var freeAtOnce = DeployLock.Take(shell, root, "test", TimeSpan.Zero, new RecordingLog(), CancellationToken.None);
        Assert.IsEmpty(freeAtOnce.Leftovers);
    }

    /// <summary>
    /// Starts a deploying publish and, once the large file is partly on the server, pauses the link
    /// (so the upload cannot finish) and stops the build; the link goes on once the build has taken
    /// the signal (or ended), so its clean-up reaches the server. Returns the build's output.
    /// </summary>
    private static string StopMidUpload(WebApp app, string[] properties, string root, TcpProxy link, Action<Process> stop)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = app.ProjectFolder, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "publish", "-c", "Release", "-nodeReuse:false" }.Concat(properties.Select(p => "-p:" + p)))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in DotNet.Environment(app.PackagesFolder, app.CliTempFolder))
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            Wait.Until(() => Wait.PartialUpload(root, "wwwroot/big.bin") > 8 << 20 || process.HasExited,
                TimeSpan.FromMinutes(3), "the large file to be partly uploaded");
            link.Pause();
            Assert.IsFalse(process.HasExited, "the build was stopped mid-upload:\n" + Output());
            stop(process);
            Wait.Until(() => process.HasExited || Output().Contains("Attempting to cancel the build", StringComparison.Ordinal),
                TimeSpan.FromSeconds(60), "the build to take the signal");
            link.Resume();
            Assert.IsTrue(process.WaitForExit(TimeSpan.FromSeconds(60)), "the build ended");
            process.WaitForExit();
        }
        finally
        {
            link.Resume();
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.AreNotEqual(0, process.ExitCode);
        return Output();

        string Output()
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }
}
