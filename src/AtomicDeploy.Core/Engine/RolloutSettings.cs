using System.Globalization;

namespace AtomicDeploy.Core.Engine;

/// <summary>How the hosts of a deploy switch: all at once (the default), or in batches with a health gate between them.</summary>
public enum RolloutMode
{
    /// <summary><c>all</c>: every host switches at once; a failure anywhere switches every host back.</summary>
    All,

    /// <summary><c>rolling</c>: the hosts switch batch by batch, each batch only after the one before passed its checks.</summary>
    Rolling,
}

/// <summary>
/// <c>AtomicDeployRollout</c> and <c>AtomicDeployBatchSize</c>, checked: the mode, and how many hosts
/// a batch holds: a number of hosts, or a percentage of the deploy's hosts (rounded up, at least one).
/// </summary>
/// <param name="Mode">All at once, or rolling.</param>
/// <param name="Size">Hosts per batch, when given as a number (rolling without a size: 1).</param>
/// <param name="Percent">Hosts per batch as a percentage of the hosts, when given so.</param>
public sealed record RolloutSettings(RolloutMode Mode, int Size = 1, int? Percent = null)
{
    /// <summary>Every host at once.</summary>
    public static RolloutSettings All { get; } = new(RolloutMode.All);

    /// <summary>
    /// Parses the two properties. A batch size without rolling is a warning (<see cref="ErrorCodes.BatchSizeWithoutRolling"/>),
    /// not an error: a batch size kept in a shared props file must not block an all-at-once deploy chosen on the command line.
    /// </summary>
    public static RolloutSettings Parse(string? rollout, string? batchSize, IDeployLog log)
    {
        var mode = (rollout ?? string.Empty).Trim().ToUpperInvariant() switch
        {
            "" or "ALL" => RolloutMode.All,
            "ROLLING" => RolloutMode.Rolling,
            _ => throw new DeployException(ErrorCodes.RolloutInvalid,
                $"AtomicDeployRollout is '{rollout}'; use all (the default: every host switches at once) or rolling (the hosts switch in batches of AtomicDeployBatchSize, each after the one before passed its health check)."),
        };
        if (string.IsNullOrWhiteSpace(batchSize))
        {
            return mode == RolloutMode.All ? All : new RolloutSettings(mode);
        }

        var size = ParseSize(batchSize);
        if (mode == RolloutMode.All)
        {
            log.Warning(ErrorCodes.BatchSizeWithoutRolling,
                $"AtomicDeployBatchSize is '{batchSize.Trim()}', but AtomicDeployRollout is not rolling, so every host switches at once and the batch size does nothing. Set AtomicDeployRollout=rolling to switch in batches, or remove AtomicDeployBatchSize.");
            return All;
        }

        return size;
    }

    /// <summary>
    /// Warns (<see cref="ErrorCodes.RolloutWithoutHealthCheck"/>) when a rolling deploy of several batches has
    /// no health check on any host and no two-slot mode: the batches would only wait for the switch.
    /// </summary>
    public void WarnIfUngated(IReadOnlyList<DeployTarget> hosts, Operations.SwitchHookSettings hooks, bool twoSlots, IDeployLog log)
    {
        if (Mode == RolloutMode.Rolling && Batches(hosts).Count > 1 && !twoSlots && hosts.All(h => (h.Hooks ?? hooks).HealthCheckUrl is null))
        {
            log.Warning(ErrorCodes.RolloutWithoutHealthCheck,
                "AtomicDeployRollout is rolling, but no host has a health check (AtomicDeployHealthCheckUrl, or HealthCheckUrl metadata), so a batch is let through as soon as it switched and its after-switch command passed: nothing checks the app before the next batch. Set a health check URL.");
        }
    }

    /// <summary>How many hosts a batch holds in a deploy to <paramref name="hosts"/> hosts (all of them when not rolling).</summary>
    public int BatchSize(int hosts)
    {
        if (Mode == RolloutMode.All)
        {
            return Math.Max(1, hosts);
        }

        var size = Percent is { } percent ? (int)Math.Ceiling(hosts * percent / 100.0) : Size;
        return Math.Clamp(size, 1, Math.Max(1, hosts));
    }

    /// <summary><paramref name="hosts"/> cut into batches, in their order: one batch when not rolling.</summary>
    public IReadOnlyList<IReadOnlyList<T>> Batches<T>(IReadOnlyList<T> hosts) =>
        hosts.Chunk(BatchSize(hosts.Count)).Select(b => (IReadOnlyList<T>)b).ToArray();

    /// <inheritdoc />
    public override string ToString() => Mode == RolloutMode.All ? "all" : Percent is { } p ? $"rolling, {p.ToString(CultureInfo.InvariantCulture)}% per batch" : $"rolling, {Size.ToString(CultureInfo.InvariantCulture)} per batch";

    private static RolloutSettings ParseSize(string text)
    {
        var trimmed = text.Trim();
        var isPercent = trimmed.EndsWith('%');
        var number = isPercent ? trimmed[..^1].TrimEnd() : trimmed;
        if (int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && (!isPercent || value <= 100))
        {
            return isPercent ? new RolloutSettings(RolloutMode.Rolling, 1, value) : new RolloutSettings(RolloutMode.Rolling, value);
        }

        throw new DeployException(ErrorCodes.BatchSizeInvalid,
            $"AtomicDeployBatchSize is '{text}'; give the hosts per batch as a whole number of at least 1 (e.g. 2) or as a percentage of the hosts from 1% to 100% (e.g. 25%, rounded up to whole hosts).");
    }
}
