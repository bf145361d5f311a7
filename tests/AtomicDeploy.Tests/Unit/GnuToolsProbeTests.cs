using AtomicDeploy.Core;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Unit;

/// <summary>The local target's check for the GNU tools its scripts use: the decision, and the probe run by the real /bin/sh.</summary>
[TestClass]
public sealed class GnuToolsProbeTests
{
    [TestMethod]
    public void A_system_with_every_tool_passes()
    {
        Assert.IsNull(GnuToolsProbe.Decide(new ShellResult(0, "probed\n", string.Empty)));
    }

    [TestMethod]
    public void Missing_tools_are_refused_with_a_code_naming_each_and_what_to_do()
    {
        var refusal = GnuToolsProbe.Decide(new ShellResult(0, "missing flock (util-linux)\nmissing find -printf (GNU findutils)\nprobed\n", string.Empty));

        Assert.AreEqual(ErrorCodes.LocalToolsMissing, refusal?.Code);
        StringAssert.Contains(refusal!.Message, "flock (util-linux), find -printf (GNU findutils)");
        StringAssert.Contains(refusal.Message, "deploy to a Linux server");
    }

    [TestMethod]
    public void A_probe_that_did_not_finish_is_refused_too()
    {
        Assert.AreEqual(ErrorCodes.LocalToolsMissing, GnuToolsProbe.Decide(new ShellResult(2, string.Empty, "sh: syntax error"))?.Code);
        Assert.AreEqual(ErrorCodes.LocalToolsMissing, GnuToolsProbe.Decide(new ShellResult(0, "missing flock\n", string.Empty))?.Code);
    }

    [TestMethod]
    public void This_Linux_machine_has_every_tool_and_the_local_target_runs()
    {
        var result = new LocalShell().Run("echo ran", null, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.AreEqual("ran\n", result.Output);
        Assert.IsNull(GnuToolsProbe.Decide(RunProbe(Environment.GetEnvironmentVariable("PATH")!)));
    }

    [TestMethod]
    public void The_real_probe_finds_a_tool_missing_from_the_path()
    {
        using var bin = new TempFolder();
        foreach (var tool in new[] { "mktemp", "mv", "cp", "mkdir", "rm", "base64", "find", "xargs", "timeout", "false" })
        {
            File.CreateSymbolicLink(bin.Combine(tool), ProcessRunner.Check("sh", "-c", $"command -v {tool}").Trim());
        }

        var refusal = GnuToolsProbe.Decide(RunProbe(bin.Path));

        Assert.AreEqual(ErrorCodes.LocalToolsMissing, refusal?.Code);
        StringAssert.Contains(refusal!.Message, "this machine lacks: flock (util-linux).");
    }

    private static ShellResult RunProbe(string path)
    {
        var result = ProcessRunner.Run("/bin/sh", ["-c", GnuToolsProbe.Script], environment: new Dictionary<string, string?> { ["PATH"] = path });
        return new ShellResult(result.ExitCode, result.Output, result.Error);
    }
}
