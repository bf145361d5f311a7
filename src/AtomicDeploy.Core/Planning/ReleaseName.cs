using System.Globalization;
using System.Text.RegularExpressions;

namespace AtomicDeploy.Core.Planning;

/// <summary>
/// Release folder names: the UTC time of the deploy as <c>yyyyMMddHHmmss</c>. Names sort in deploy
/// order, so a new name is always later than every existing release: if the clock gives a name
/// that exists (or an earlier one, after a clock change), the next free second is taken.
/// </summary>
public static partial class ReleaseName
{
    private const string Format = "yyyyMMddHHmmss";

    /// <summary>True when <paramref name="name"/> is a release name: exactly 14 digits that form a valid UTC time.</summary>
    public static bool IsReleaseName(string? name) =>
        name is not null && Pattern().IsMatch(name) &&
        DateTime.TryParseExact(name, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out _);

    /// <summary>The name for a deploy starting at <paramref name="utcNow"/>, given the releases that exist.</summary>
    public static string Next(DateTime utcNow, IEnumerable<string> existing)
    {
        var candidate = Truncate(utcNow.ToUniversalTime());
        var latest = existing.Where(IsReleaseName).Select(Parse).DefaultIfEmpty(DateTime.MinValue).Max();
        if (candidate <= latest)
        {
            if (latest >= DateTime.MaxValue.AddSeconds(-1))
            {
                throw new DeployException(ErrorCodes.RemoteStateInvalid, $"A release named {latest.ToString(Format, CultureInfo.InvariantCulture)} exists; no later release name is possible. Remove that folder from releases/.");
            }

            candidate = latest.AddSeconds(1);
        }

        return candidate.ToString(Format, CultureInfo.InvariantCulture);
    }

    /// <summary>The UTC time a release name stands for.</summary>
    public static DateTime Parse(string name) =>
        DateTime.ParseExact(name, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private static DateTime Truncate(DateTime time) =>
        new(time.Year, time.Month, time.Day, time.Hour, time.Minute, time.Second, DateTimeKind.Utc);

    [GeneratedRegex(@"\A[0-9]{14}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
