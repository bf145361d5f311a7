using System.Text.RegularExpressions;
using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// Every code the README and the docs name exists, and the troubleshooting page gives each case the
/// code the product raises for it (the tests of each case assert that code on a real server).
/// </summary>
[TestClass]
public sealed partial class ErrorCodesInTheDocs
{
    /// <summary>Each case troubleshooting.md describes with a code, and the code the product raises for it.</summary>
    private static readonly Dictionary<string, string[]> Cases = new(StringComparer.Ordinal)
    {
        ["## The host key is refused"] = [ErrorCodes.HostKeyUnknown, ErrorCodes.HostKeyChanged],
        ["## Login fails"] = [ErrorCodes.NoCredential, ErrorCodes.KeyUnreadable, ErrorCodes.KeyRefused, ErrorCodes.AuthenticationFailed],
        ["- no key was found"] = [ErrorCodes.NoCredential],
        ["- the key cannot be read"] = [ErrorCodes.KeyUnreadable],
        ["- the server refused the key"] = [ErrorCodes.KeyRefused],
        ["- the server refused both the key and the password offered"] = [ErrorCodes.AuthenticationFailed],
        ["## Permission denied on the server"] = [ErrorCodes.RemoteFailed],
        ["## Another deploy holds the lock"] = [ErrorCodes.Locked],
        ["## The server allows too few sessions"] = [ErrorCodes.TooFewSessions],
    };

    [TestMethod]
    public void Every_code_the_README_and_the_docs_name_is_defined()
    {
        var pages = Directory.GetFiles(Repository.Combine("docs"), "*.md").Append(Repository.Combine("README.md"));
        var undefined = pages
            .SelectMany(page => Code().Matches(File.ReadAllText(page)).Select(m => $"{Path.GetFileName(page)}: {m.Value}"))
            .Where(hit => !ErrorCodes.All.Contains(hit[(hit.IndexOf(": ", StringComparison.Ordinal) + 2)..]))
            .Distinct()
            .ToArray();

        Assert.IsEmpty(undefined, string.Join(", ", undefined));
    }

    [TestMethod]
    public void Every_case_on_the_troubleshooting_page_names_the_code_the_product_raises_for_it()
    {
        var text = File.ReadAllText(Repository.Combine("docs", "troubleshooting.md"));
        var found = new List<string>();
        foreach (Match heading in Heading().Matches(text))
        {
            found.Add(Check("## " + heading.Groups[1].Value, heading.Groups[2].Value.Split(", ")));
        }

        foreach (Match bullet in Bullet().Matches(text))
        {
            found.Add(Check("- " + bullet.Groups[2].Value, [bullet.Groups[1].Value]));
        }

        CollectionAssert.AreEquivalent(Cases.Keys.ToArray(), found, "every case of the table is on the page");
    }

    private static string Check(string text, string[] codes)
    {
        var known = Cases.Keys.SingleOrDefault(text.StartsWith);
        Assert.IsNotNull(known, $"troubleshooting.md: '{text}' names {string.Join(", ", codes)}; add the case and the code the product raises for it to this test");
        CollectionAssert.AreEqual(Cases[known], codes, $"troubleshooting.md: '{text}'");
        return known;
    }

    [GeneratedRegex(@"AD\d{4}")]
    private static partial Regex Code();

    [GeneratedRegex(@"^## (.+?) \(((?:AD\d{4}(?:, )?)+)\)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^- (AD\d{4}): ([^.]+)\.", RegexOptions.Multiline)]
    private static partial Regex Bullet();
}
