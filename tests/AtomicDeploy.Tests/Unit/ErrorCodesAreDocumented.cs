using System.Text.RegularExpressions;
using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Unit;

/// <summary>docs/errors.md lists every code the product can report, and the code uses no code outside the table.</summary>
[TestClass]
public sealed partial class ErrorCodesAreDocumented
{
    [TestMethod]
    public void Every_code_has_an_entry_in_docs_errors_md()
    {
        var documented = Heading().Matches(File.ReadAllText(Repository.Combine("docs", "errors.md"))).Select(m => m.Groups[1].Value).ToArray();

        CollectionAssert.AreEquivalent(ErrorCodes.All.ToArray(), documented);
    }

    [TestMethod]
    public void No_source_file_uses_a_code_that_is_not_in_the_table()
    {
        var table = File.ReadAllText(Repository.Combine("src", "AtomicDeploy.Core", "ErrorCodes.cs"));
        var stray = Directory.EnumerateFiles(Repository.Combine("src"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".targets", StringComparison.Ordinal) || f.EndsWith(".props", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && Path.GetFileName(f) != "ErrorCodes.cs")
            .SelectMany(f => Code().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetFileName(f)}: {m.Value}"))
            .Where(hit => !table.Contains(hit[(hit.IndexOf(": ", StringComparison.Ordinal) + 2)..], StringComparison.Ordinal))
            .ToArray();

        Assert.IsEmpty(stray, string.Join(", ", stray));
    }

    [GeneratedRegex(@"^### (AD\d{4})$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"AD\d{4}")]
    private static partial Regex Code();
}
