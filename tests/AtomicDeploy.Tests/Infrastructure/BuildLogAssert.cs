namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>What a CI system would act on in a build log: GitHub Actions a line starting <c>::</c>, Azure Pipelines <c>##vso[</c> (and <c>##[</c>) anywhere in a line.</summary>
internal static class BuildLogAssert
{
    /// <summary>Fails if any line of <paramref name="output"/> (split at CR as well as LF, as a log viewer may) holds a CI command; <paramref name="planted"/> must appear, so the text did reach the log.</summary>
    public static void NoCiCommands(string output, params string[] planted)
    {
        foreach (var text in planted)
        {
            StringAssert.Contains(output, text, "the planted text reached the build log (else this test proves nothing)");
        }

        foreach (var line in output.Split('\n', '\r'))
        {
            Assert.IsFalse(line.TrimStart().StartsWith("::", StringComparison.Ordinal), $"a line starts a GitHub Actions command: {line}");
            Assert.DoesNotContain("##vso[", line.ToLowerInvariant(), $"a line holds an Azure Pipelines command: {line}");
            Assert.DoesNotContain("##[", line, $"a line holds a logging command: {line}");
        }
    }
}
