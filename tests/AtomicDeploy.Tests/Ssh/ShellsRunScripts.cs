using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>The two shells the engine runs scripts on behave alike: exit codes, output, and a script that stops reading early.</summary>
[TestClass]
public sealed class ShellsRunScripts
{
    public static IEnumerable<object[]> Shells => [["ssh"], ["local"]];

    [TestMethod]
    [DynamicData(nameof(Shells))]
    public void A_script_reports_its_exit_code_output_and_error(string kind)
    {
        using var shell = Open(kind);

        var result = shell.Run("echo out; echo err >&2; exit 7", null, TimeSpan.FromSeconds(20), CancellationToken.None);

        Assert.AreEqual(7, result.ExitCode);
        Assert.AreEqual("out\n", result.Output);
        Assert.AreEqual("err\n", result.Error);
    }

    [TestMethod]
    [DynamicData(nameof(Shells))]
    public void Input_is_streamed_to_the_script(string kind)
    {
        using var shell = Open(kind);
        var data = new byte[3_000_000];
        new Random(42).NextBytes(data);

        var result = shell.Run("wc -c", input => input.Write(data), TimeSpan.FromSeconds(20), CancellationToken.None);

        Assert.AreEqual(0, result.ExitCode);
        Assert.AreEqual(data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Output.Trim());
    }

    [TestMethod]
    [DynamicData(nameof(Shells))]
    public void A_script_that_fails_early_but_drains_its_input_returns_its_exit_code_and_the_connection_lives_on(string kind)
    {
        using var shell = Open(kind);

        for (var i = 0; i < 10; i++)
        {
            var result = shell.Run("echo refused >&2; cat >/dev/null; exit 3", input => input.Write(new byte[4_000_000]), TimeSpan.FromSeconds(20), CancellationToken.None);

            Assert.AreEqual(3, result.ExitCode);
            StringAssert.Contains(result.Error, "refused");
        }
    }

    private static IRemoteShell Open(string kind) =>
        kind == "ssh" ? EngineDeploy.Connect(EngineDeploy.Settings(SharedServer.Instance)) : new LocalShell();
}
