using System.Reflection;
using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class ErrorCodesTests
{
    [TestMethod]
    public void Every_code_has_the_form_AD_and_four_digits()
    {
        Assert.IsNotEmpty(ErrorCodes.All);
        foreach (var code in ErrorCodes.All)
        {
            Assert.MatchesRegex(@"^AD\d{4}$", code);
        }
    }

    [TestMethod]
    public void No_two_errors_share_a_code()
    {
        var shared = ErrorCodes.All
            .GroupBy(code => code, StringComparer.Ordinal)
            .Where(group => group.Count() > 1)
            .Select(group => group.Key)
            .ToArray();

        Assert.IsEmpty(shared, $"codes used twice: {string.Join(", ", shared)}");
    }

    [TestMethod]
    public void The_list_holds_every_code_the_product_declares()
    {
        var declared = typeof(ErrorCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(string))
            .Select(f => (string)f.GetValue(null)!)
            .ToArray();

        CollectionAssert.AreEquivalent(declared, ErrorCodes.All.ToArray());
        Assert.Contains(ErrorCodes.PathMissing, ErrorCodes.All);
        Assert.Contains(ErrorCodes.SourceEntrySkipped, ErrorCodes.All);
    }

    [TestMethod]
    [DataRow(ErrorCodes.PathMissing, "AD0001")]
    [DataRow(ErrorCodes.PathUnsafe, "AD0002")]
    [DataRow(ErrorCodes.SourceMissing, "AD0003")]
    [DataRow(ErrorCodes.KeepInvalid, "AD0004")]
    [DataRow(ErrorCodes.HostInvalid, "AD0005")]
    public void Documented_input_errors_keep_their_published_codes(string code, string published)
    {
        Assert.AreEqual(published, code);
    }
}
