using System.Globalization;
using AtomicDeploy.Core.History;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Operations;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Remote;
using AtomicDeploy.Core.Ssh;
using NuGet.Versioning;

namespace AtomicDeploy.Core.Engine;

/// <summary>The folder to deploy and which of its files are deployed.</summary>
/// <param name="Folder">The folder, or null when the operation deploys nothing.</param>
/// <param name="Stale">Files left in it by earlier publishes (relative paths), not deployed.</param>
/// <param name="Include">
/// The scanner's filter: with a publish record, every file but the stale ones, and only folders
/// that hold a deployed file; null (a folder of the user's own) deploys everything as it is.
/// </param>
/// <param name="AppHost">The apphost's name in the folder (executable whatever its content, on Windows), or null.</param>
/// <param name="WindowsModes">Whether the folder's files have no Unix modes, so the content decides them (null: whether this machine is Windows; tests inject it).</param>
public sealed record DeploySource(string? Folder, IReadOnlySet<string> Stale, Func<string, FileInfo, bool>? Include = null, string? AppHost = null, bool? WindowsModes = null)
{
    /// <summary>How the scanner gives the files their modes.</summary>
    public FileModes Modes => FileModes.For(WindowsModes ?? OperatingSystem.IsWindows(), AppHost);
}

/// <summary>
/// Every setting of a deploy, parsed and checked once, before any host is contacted: bad input is a
/// coded error that leaves every server as it was.
/// </summary>
public sealed record DeploySettings
{
    /// <summary>The hosts, in the order given (one: this machine when no host is named).</summary>
    public required IReadOnlyList<DeployTarget> Hosts { get; init; }

    /// <summary>The deploy folder, the same on every host.</summary>
    public required string Root { get; init; }

    /// <summary>How the new release is made from the live one.</summary>
    public CopyMode CopyMode { get; init; }

    /// <summary>Releases to keep.</summary>
    public int Keep { get; init; } = 3;

    /// <summary>The declared shared paths.</summary>
    public SharedPathList Shared { get; init; } = SharedPathList.Parse([]);

    /// <summary>Paths no longer shared on purpose: the live release's links there may give way to the published copy (<see cref="SharedLinkGuard"/>).</summary>
    public SharedPathList Unshared { get; init; } = SharedPathList.Parse([]);

    /// <summary>The commands and health check around the switch.</summary>
    public SwitchHookSettings Hooks { get; init; } = SwitchHookSettings.None;

    /// <summary>The run-once command (<c>AtomicDeployOnceCommand</c>), or null.</summary>
    public OnceSettings? Once { get; init; }

    /// <summary>All hosts at once, or rolling in batches (<c>AtomicDeployRollout</c>, <c>AtomicDeployBatchSize</c>).</summary>
    public RolloutSettings Rollout { get; init; } = RolloutSettings.All;

    /// <summary>Two-slot mode, or null when <c>AtomicDeployAppPorts</c> is not set.</summary>
    public AppSlotSettings? Slots { get; init; }

    /// <summary>Step and lock timeouts.</summary>
    public RemoteTimeouts Timeouts { get; init; } = new(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(60));

    /// <summary>How many hosts are worked on at once.</summary>
    public int Parallelism { get; init; } = int.MaxValue;

    /// <summary>
    /// A deploy opened by the <c>AtomicDeploy</c> target: each host's deploy lock is taken as soon as
    /// that host is connected (<see cref="Deployment.Open"/>), not when every host is, so in a fleet
    /// the first hosts' locks overlap the last hosts' handshakes. A failure to take it is PrepareRelease's.
    /// </summary>
    public bool LockOnConnect { get; init; }

    /// <summary>How many connections may be starting (TCP, SSH handshake, login) at once (<c>AtomicDeployConnectLimit</c>).</summary>
    public int ConnectLimit { get; init; } = ConnectStarts.DefaultLimit;

    /// <summary>How long a connection that failed on a passing network error waits before its one retry.</summary>
    public TimeSpan ConnectRetryDelay { get; init; } = ConnectStarts.DefaultRetryDelay;

    /// <summary>The folder to deploy.</summary>
    public DeploySource Source { get; init; } = new(null, new HashSet<string>());

    /// <summary>Who deploys, and the app's version and commit, for the history.</summary>
    public required DeployContext Context { get; init; }

    /// <summary>Whether a lower version than the live one may be deployed.</summary>
    public bool AllowDowngrade { get; init; }

    /// <summary>Whether a deploy in which nothing changed still makes and switches to a new release.</summary>
    public bool Force { get; init; }

    /// <summary>Whether a deploy in which nothing changed deploys the same files again so the switch commands and health check run.</summary>
    public bool RestartUnchanged { get; init; }

    /// <summary>Where CI wants a summary of the deploy (GitHub Actions, Azure Pipelines), from the build's environment.</summary>
    public CiSummaryTargets CiSummary { get; init; } = CiSummaryTargets.None;

    /// <summary>Checks every input; throws the coded error of the first bad one.</summary>
    public static DeploySettings Parse(DeployInputs inputs, string homeFolder, IDeployLog log)
    {
        var root = DeployPath.Validate(inputs.DeployPath ?? string.Empty);
        var copyMode = (inputs.CopyMode ?? string.Empty).Trim().ToUpperInvariant() switch
        {
            "" or "HARDLINK" => CopyMode.HardLink,
            "COPY" => CopyMode.Copy,
            _ => throw new DeployException(ErrorCodes.CopyModeInvalid, $"AtomicDeployCopyMode is '{inputs.CopyMode}'; use hardlink (the default) or copy."),
        };
        var keep = WholeNumber(inputs.KeepReleases, 3, 1, ErrorCodes.KeepInvalid, "AtomicDeployKeepReleases");
        var shared = SharedPathList.Parse(inputs.SharedPaths);
        var unshared = SharedPathList.Parse(inputs.UnsharedPaths, "AtomicDeployUnsharedPaths");
        var hooks = new SwitchHookSettings(
            inputs.BeforeSwitchCommand,
            inputs.AfterSwitchCommand,
            Seconds(inputs.HookTimeout, 300, "AtomicDeployHookTimeout"),
            SwitchHookSettings.ParseUrl(inputs.HealthCheckUrl),
            Seconds(inputs.HealthCheckTimeout, 30, "AtomicDeployHealthCheckTimeout"));
        var timeouts = new RemoteTimeouts(
            Seconds(inputs.CommandTimeout, 600, "AtomicDeployCommandTimeout"),
            TimeSpan.FromSeconds(WholeNumber(inputs.LockTimeout, 60, 0, ErrorCodes.TimeoutInvalid, "AtomicDeployLockTimeout")));
        var slots = AppSlotSettings.Parse(inputs, hooks.CommandTimeout);
        var parallelism = WholeNumber(inputs.Parallelism, int.MaxValue, 1, ErrorCodes.ParallelismInvalid, "AtomicDeployParallelism");
        var connectLimit = WholeNumber(inputs.ConnectLimit, ConnectStarts.DefaultLimit, 1, ErrorCodes.ConnectLimitInvalid, "AtomicDeployConnectLimit");
        var source = ParseSource(inputs);
        var hosts = DeployTargets.Parse(inputs, homeFolder, log, hooks);
        var once = OnceSettings.Parse(inputs, hooks.CommandTimeout, hosts, Environment.GetEnvironmentVariable);
        var rollout = inputs.Operation == DeployOperation.Inspect ? RolloutSettings.All : RolloutSettings.Parse(inputs.Rollout, inputs.BatchSize, log);
        rollout.WarnIfUngated(hosts, hooks, slots is not null, log);

        var version = NuGetVersion.TryParse(inputs.AppVersion, out var parsed) ? parsed.ToNormalizedString() : null;
        var readGit = inputs.Operation == DeployOperation.Deploy && !string.IsNullOrEmpty(inputs.ProjectDirectory);
        return new DeploySettings
        {
            Hosts = hosts,
            Root = root,
            CopyMode = copyMode,
            Keep = keep,
            Shared = shared,
            Unshared = unshared,
            Hooks = hooks,
            Once = once,
            Rollout = rollout,
            Slots = slots,
            Timeouts = timeouts,
            Parallelism = parallelism,
            ConnectLimit = connectLimit,
            Source = source,
            Context = readGit
                ? DeployContext.ReadingGit(Environment.UserName, Environment.MachineName, version, () => GitMetadata.TryRead(inputs.ProjectDirectory!, log))
                : new DeployContext(Environment.UserName, Environment.MachineName, version, null),
            AllowDowngrade = inputs.AllowDowngrade,
            Force = inputs.Force,
            RestartUnchanged = inputs.RestartUnchanged,
            CiSummary = inputs.Operation == DeployOperation.Deploy ? CiSummaryTargets.FromEnvironment(Environment.GetEnvironmentVariable) : CiSummaryTargets.None,
            LockOnConnect = inputs.LockOnConnect && inputs.Operation == DeployOperation.Deploy,
        };
    }

    /// <summary>Parses a whole number setting, or <paramref name="fallback"/> when it is empty.</summary>
    internal static int WholeNumber(string? text, int fallback, int minimum, string code, string property)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new DeployException(code, $"{property} is '{text}'; it must be a whole number of at least {minimum}.");
    }

    /// <summary>Parses a timeout setting of at least one second.</summary>
    internal static TimeSpan Seconds(string? text, int fallback, string property) =>
        TimeSpan.FromSeconds(WholeNumber(text, fallback, 1, ErrorCodes.TimeoutInvalid, property));

    private static DeploySource ParseSource(DeployInputs inputs)
    {
        if (inputs.Operation == DeployOperation.Inspect || inputs.SourceDir is null)
        {
            return new DeploySource(null, new HashSet<string>());
        }

        if (!Directory.Exists(inputs.SourceDir))
        {
            throw new DeployException(ErrorCodes.SourceMissing, $"The folder to deploy, '{inputs.SourceDir}', does not exist. Check AtomicDeploySourceDir, or publish first.");
        }

        PublishFolderCheck.Check(inputs.SourceDir, inputs.AllowLinksOutside);
        var stale = string.IsNullOrEmpty(inputs.PublishRecordFile)
            ? new HashSet<string>()
            : PublishOutputRecord.Stale(inputs.PublishRecordFile, inputs.PublishedFiles ?? [], inputs.SourceDir);
        return new DeploySource(inputs.SourceDir, stale, PublishOutputRecord.IncludeFilter(inputs.PublishRecordFile, stale), string.IsNullOrWhiteSpace(inputs.AppHost) ? null : inputs.AppHost.Trim());
    }
}
