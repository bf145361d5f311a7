using System.Diagnostics;
using System.Text;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests;

[TestClass]
public sealed class ShellQuoteTests
{
    [TestMethod]
    [DataRow("plain")]
    [DataRow("with space")]
    [DataRow("it's")]
    [DataRow("'''")]
    [DataRow("$(touch pwned)")]
    [DataRow("`touch pwned`")]
    [DataRow("a; rm -rf /tmp/nothing")]
    [DataRow("-rf")]
    [DataRow("line\nbreak")]
    [DataRow("tab\there")]
    [DataRow("back\\slash")]
    [DataRow("ünïcødé ✓ 日本")]
    [DataRow("*?[a]")]
    [DataRow("")]
    public void The_shell_reads_a_quoted_word_back_byte_for_byte(string value)
    {
        using var folder = new TempFolder();
        var script = $"cd {ShellQuote.Quote(folder.Path)} && printf '%s' {ShellQuote.Quote(value)}";

        var output = RunShell(script);

        CollectionAssert.AreEqual(Encoding.UTF8.GetBytes(value), output);
        Assert.IsFalse(File.Exists(Path.Combine(folder.Path, "pwned")), "nothing in the value may run");
    }

    [TestMethod]
    public void A_NUL_character_is_refused() =>
        Assert.ThrowsExactly<ArgumentException>(() => ShellQuote.Quote("a\0b"));

    private static byte[] RunShell(string script)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode);
        return output.ToArray();
    }
}
