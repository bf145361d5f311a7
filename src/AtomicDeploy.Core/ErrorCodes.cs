namespace AtomicDeploy.Core;

/// <summary>
/// Every code the product reports, in one place. Each one has an entry in <c>docs/errors.md</c>
/// (a test checks that), so a user can look any of them up.
/// </summary>
public static class ErrorCodes
{
    /// <summary><c>AtomicDeployPath</c> is missing.</summary>
    public const string PathMissing = "AD0001";

    /// <summary><c>AtomicDeployPath</c> is relative, holds <c>..</c>, or is <c>/</c> or a system folder.</summary>
    public const string PathUnsafe = "AD0002";

    /// <summary>The folder to deploy does not exist.</summary>
    public const string SourceMissing = "AD0003";

    /// <summary><c>AtomicDeployKeepReleases</c> is not a whole number of at least 1.</summary>
    public const string KeepInvalid = "AD0004";

    /// <summary><c>AtomicDeployHost</c>, <c>AtomicDeployPort</c> or <c>AtomicDeployUser</c> cannot be parsed.</summary>
    public const string HostInvalid = "AD0005";

    /// <summary>An entry of <c>AtomicDeploySharedPaths</c> is absolute or leaves <c>shared/</c>.</summary>
    public const string SharedPathInvalid = "AD0006";

    /// <summary><c>AtomicDeployCopyMode</c> is neither <c>hardlink</c> nor <c>copy</c>.</summary>
    public const string CopyModeInvalid = "AD0007";

    /// <summary>A pinned fingerprint is not of the form <c>SHA256:...</c>, or the host key policy is unknown.</summary>
    public const string HostKeySettingInvalid = "AD0008";

    /// <summary>A timeout property is not a positive number of seconds.</summary>
    public const string TimeoutInvalid = "AD0009";

    /// <summary>The server cannot be reached, or did not answer in time.</summary>
    public const string Unreachable = "AD0101";

    /// <summary>The server's host key is not in known_hosts and not pinned.</summary>
    public const string HostKeyUnknown = "AD0102";

    /// <summary>The server's host key differs from the one recorded for it.</summary>
    public const string HostKeyChanged = "AD0103";

    /// <summary>The server offered a key marked <c>@revoked</c> in known_hosts.</summary>
    public const string HostKeyRevoked = "AD0104";

    /// <summary>No credential was found: no key file, no key in the environment, no password.</summary>
    public const string NoCredential = "AD0105";

    /// <summary>A private key could not be read: missing file, bad format or wrong passphrase.</summary>
    public const string KeyUnreadable = "AD0106";

    /// <summary>The server refused every credential offered.</summary>
    public const string AuthenticationFailed = "AD0107";

    /// <summary>Another deploy holds the lock of this deploy path.</summary>
    public const string Locked = "AD0201";

    /// <summary>A step's commands failed on the server.</summary>
    public const string RemoteFailed = "AD0202";

    /// <summary>A step did not finish within the command timeout.</summary>
    public const string RemoteTimeout = "AD0203";

    /// <summary>The connection to the server was lost during a step.</summary>
    public const string ConnectionLost = "AD0204";

    /// <summary>A task ran without <c>PrepareRelease</c> having prepared a release in the same build.</summary>
    public const string NoPreparedRelease = "AD0205";

    /// <summary>The deploy was cancelled.</summary>
    public const string Cancelled = "AD0206";

    /// <summary>A state file on the server is malformed (manifest or current link).</summary>
    public const string RemoteStateInvalid = "AD0207";

    /// <summary>The server's disk (or the user's quota) is full.</summary>
    public const string DiskFull = "AD0210";

    /// <summary>The deploy lock ended during the deploy (lost connection, or removed by hand).</summary>
    public const string LockLost = "AD0211";

    /// <summary>Recorded in the history for a deploy that was killed or cut off before its switch, whose release the next deploy removed.</summary>
    public const string Interrupted = "AD0212";

    /// <summary>Something failed that the product did not expect: a bug to report, with the message.</summary>
    public const string Internal = "AD0299";

    /// <summary>Warning: a file in <c>shared/</c> is also in the release; the release's copy is kept.</summary>
    public const string SharedConflict = "AD0301";

    /// <summary>Warning: git metadata could not be read; the deploy goes on without it.</summary>
    public const string GitUnavailable = "AD0302";

    /// <summary>Warning: the publish folder holds something that is not deployed (a symlink to a folder).</summary>
    public const string SourceEntrySkipped = "AD0303";

    /// <summary>Warning: an earlier deploy was interrupted before its switch; its half-made release was removed.</summary>
    public const string LeftoverRemoved = "AD0310";

    /// <summary>Every code above, for tests and documentation checks.</summary>
    public static IReadOnlyList<string> All { get; } =
        typeof(ErrorCodes).GetFields()
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();
}
