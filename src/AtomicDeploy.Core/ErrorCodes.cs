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

    /// <summary>A private key is not in a format that can be read (not an OpenSSH, PEM or PuTTY private key).</summary>
    public const string KeyUnreadable = "AD0106";

    /// <summary>The server refused both the key and the password offered.</summary>
    public const string AuthenticationFailed = "AD0107";

    /// <summary>known_hosts trusts a certificate authority for the host; host certificates are not supported.</summary>
    public const string HostKeyCertificateUnsupported = "AD0108";

    /// <summary>The key file named by <c>AtomicDeployPrivateKeyFile</c> does not exist or cannot be opened.</summary>
    public const string KeyFileMissing = "AD0109";

    /// <summary>The private key is encrypted and no passphrase is set.</summary>
    public const string PassphraseMissing = "AD0110";

    /// <summary>The private key is encrypted and the passphrase set does not open it.</summary>
    public const string PassphraseWrong = "AD0111";

    /// <summary>The server refused the key: it is not authorised for the user.</summary>
    public const string KeyRefused = "AD0112";

    /// <summary>The server refused the password.</summary>
    public const string PasswordRefused = "AD0113";

    /// <summary>The server accepts none of the kinds of credential offered (e.g. only keys, and only a password was given).</summary>
    public const string NoAcceptedMethod = "AD0114";

    /// <summary>The known_hosts file cannot be read, or (with <c>AcceptNew</c>) a new host cannot be recorded in it.</summary>
    public const string KnownHostsUnusable = "AD0115";

    /// <summary>The server refuses a second session on the connection (sshd_config <c>MaxSessions</c> below what a deploy needs).</summary>
    public const string TooFewSessions = "AD0116";

    /// <summary>The ssh-agent holds no key, and no other credential was found.</summary>
    public const string AgentEmpty = "AD0120";

    /// <summary>Only the ssh-agent's keys were offered, and the server accepts none of them.</summary>
    public const string AgentKeysRefused = "AD0121";

    /// <summary>No ssh-agent answers at <c>SSH_AUTH_SOCK</c> or IdentityAgent, and no other credential was found.</summary>
    public const string AgentUnreachable = "AD0122";

    /// <summary>The ssh-agent refused or failed to sign with one of its keys.</summary>
    public const string AgentSignRefused = "AD0123";

    /// <summary>The ssh config file named by <c>AtomicDeploySshConfigFile</c> (or one it includes) does not exist or cannot be read.</summary>
    public const string SshConfigUnreadable = "AD0124";

    /// <summary>A line of the ssh config file that applies cannot be used: a bad value, an unknown token or Match criterion, an Include loop.</summary>
    public const string SshConfigInvalid = "AD0125";

    /// <summary>The ssh config sets <c>StrictHostKeyChecking no</c>: AtomicDeploy never connects unverified.</summary>
    public const string HostKeyCheckingOff = "AD0126";

    /// <summary><c>AtomicDeployUseAgent</c> is neither true nor false.</summary>
    public const string UseAgentInvalid = "AD0127";

    /// <summary>A jump host (<c>AtomicDeployJumpHost</c> or ProxyJump) cannot be reached.</summary>
    public const string JumpHostUnreachable = "AD0128";

    /// <summary>A jump host's key is unknown, changed or revoked: it is not trusted, nothing is sent through it.</summary>
    public const string JumpHostKeyRefused = "AD0129";

    /// <summary>The ProxyJump lines lead back to a host already on the way: a loop.</summary>
    public const string ProxyJumpLoop = "AD0130";

    /// <summary>An entry of <c>AtomicDeployJumpHost</c> or ProxyJump is not <c>[user@]host[:port]</c>.</summary>
    public const string JumpHostInvalid = "AD0131";

    /// <summary>The host name does not resolve: it is no alias of the ssh config (or one without HostName), and DNS does not know it.</summary>
    public const string HostNameUnresolved = "AD0132";

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

    /// <summary>A declared shared path goes through a symlink in <c>shared/</c>; nothing is created through it.</summary>
    public const string SharedPathThroughLink = "AD0220";

    /// <summary>The local target runs on a system without the GNU tools its scripts use (macOS, BSD).</summary>
    public const string LocalToolsMissing = "AD0221";

    /// <summary><c>AtomicDeployUnlock</c> found the lock held by a process other than the one <c>deploy.lock</c> names; nothing was stopped.</summary>
    public const string LockHolderNotNamed = "AD0222";

    /// <summary>Something failed that the product did not expect: a bug to report, with the message.</summary>
    public const string Internal = "AD0299";

    /// <summary>Warning: a file in <c>shared/</c> is also in the release; the release's copy is kept.</summary>
    public const string SharedConflict = "AD0301";

    /// <summary>Warning: git metadata could not be read; the deploy goes on without it.</summary>
    public const string GitUnavailable = "AD0302";

    /// <summary>Warning: the publish folder holds something that is not deployed (a symlink to a folder).</summary>
    public const string SourceEntrySkipped = "AD0303";

    /// <summary>Warning: the app added files to, or changed files of, the live release; they are not carried over to the new release.</summary>
    public const string AppWroteIntoRelease = "AD0304";

    /// <summary>Warning: a declared shared path differs only in case from one the live release links or the publish output ships.</summary>
    public const string SharedPathCaseDiffers = "AD0305";

    /// <summary>Warning: an earlier deploy was interrupted before its switch; its half-made release was removed.</summary>
    public const string LeftoverRemoved = "AD0310";

    /// <summary>Warning: the publish output holds a file that looks like a database outside the declared shared paths.</summary>
    public const string DatabaseInRelease = "AD0311";

    /// <summary>A symlinked file in the publish folder points outside it (and <c>AtomicDeployAllowLinksOutside</c> is not true).</summary>
    public const string LinkLeavesPublishFolder = "AD0312";

    /// <summary>A file or folder in the publish folder has a name that is not valid UTF-8.</summary>
    public const string NameNotUtf8 = "AD0313";

    /// <summary>The live release links a path to <c>shared/</c> that the new release would hold a copy of its own at, hiding what the app wrote there.</summary>
    public const string SharedLinkWouldBeLost = "AD0314";

    /// <summary><c>AtomicDeployRollbackTo</c> names no release in the deploy folder.</summary>
    public const string RollbackTargetUnknown = "AD0401";

    /// <summary>The release to roll back to is recorded as failed.</summary>
    public const string RollbackTargetFailed = "AD0402";

    /// <summary>There is no good release older than the live one to roll back to.</summary>
    public const string NothingToRollBackTo = "AD0403";

    /// <summary>The before-switch command failed or timed out; nothing was switched.</summary>
    public const string BeforeSwitchFailed = "AD0404";

    /// <summary>The after-switch command failed or timed out; the previous release was put back.</summary>
    public const string AfterSwitchFailed = "AD0405";

    /// <summary>The health check did not pass in time; the previous release was put back.</summary>
    public const string HealthCheckFailed = "AD0406";

    /// <summary>The server has neither <c>curl</c> nor <c>wget</c> for the health check.</summary>
    public const string HealthCheckToolMissing = "AD0407";

    /// <summary>The app's version is lower than the live release's, and downgrades are not allowed.</summary>
    public const string Downgrade = "AD0408";

    /// <summary><c>AtomicDeployHealthCheckUrl</c> is not an absolute http or https URL.</summary>
    public const string HealthCheckUrlInvalid = "AD0409";

    /// <summary><c>AtomicDeployParallelism</c> is not a whole number of at least 1.</summary>
    public const string ParallelismInvalid = "AD0700";

    /// <summary>A fleet names the same host (user, host and port) twice.</summary>
    public const string FleetHostRepeated = "AD0701";

    /// <summary>Recorded on the hosts of a fleet that did not fail themselves: another host failed, so none switched, or all switched back.</summary>
    public const string FleetHostFailed = "AD0702";

    /// <summary>Warning: after putting the previous release back, the after-switch command failed for it too.</summary>
    public const string SwitchBackCommandFailed = "AD0450";

    /// <summary>Warning: a pruned release left <c>releases/</c> but could not be deleted completely; the next deploy tries again.</summary>
    public const string PruneIncomplete = "AD0230";

    /// <summary>The release to roll back to does not hold what its manifest lists (or has no manifest).</summary>
    public const string RollbackTargetDamaged = "AD0410";

    /// <summary>The live release holds content the deploy user does not own or cannot read, so no release can be copied from it.</summary>
    public const string ForeignContent = "AD0411";

    /// <summary>
    /// MSBuild on .NET Framework older than 18 (Visual Studio 2022 or older) cannot run the tasks;
    /// raised by the package's targets before any task runs.
    /// </summary>
    public const string MSBuildTooOld = "AD0500";

    /// <summary>Warning: the CI summary (<c>GITHUB_STEP_SUMMARY</c>, or the Azure Pipelines summary file) could not be written; the deploy is not affected.</summary>
    public const string CiSummaryNotWritten = "AD0720";

    /// <summary>An <c>AtomicDeployHost</c> or <c>AtomicDeployRole</c> item has metadata AtomicDeploy does not know (a typo such as <c>Rol</c>), or no name.</summary>
    public const string HostSettingUnknown = "AD0730";

    /// <summary>An <c>AtomicDeployRole</c> is declared twice or is no host's role, or a host names more than one role.</summary>
    public const string RoleInvalid = "AD0731";

    /// <summary>Warning: a host's role has no <c>AtomicDeployRole</c> item while other roles do; the host gets the properties' settings.</summary>
    public const string RoleWithoutSettings = "AD0732";

    /// <summary>The run-once command (<c>AtomicDeployOnceCommand</c>) failed or timed out; no host was switched.</summary>
    public const string OnceFailed = "AD0740";

    /// <summary><c>AtomicDeployOnceRole</c> names no host of the deploy, or <c>AtomicDeployOnceEnvironment</c> or <c>AtomicDeployOnceTimeout</c> is not usable.</summary>
    public const string OnceSettingInvalid = "AD0741";

    /// <summary>A variable <c>AtomicDeployOnceEnvironment</c> names is not set in the build's environment.</summary>
    public const string OnceVariableMissing = "AD0742";

    /// <summary>A batch of a rolling deploy failed after its switch and was switched back; earlier batches stay on the new release, later ones never switched.</summary>
    public const string RolloutBatchFailed = "AD0750";

    /// <summary><c>AtomicDeployRollout</c> is neither <c>all</c> nor <c>rolling</c>.</summary>
    public const string RolloutInvalid = "AD0751";

    /// <summary><c>AtomicDeployBatchSize</c> is neither a whole number of at least 1 nor a percentage from 1% to 100%.</summary>
    public const string BatchSizeInvalid = "AD0752";

    /// <summary>Warning: <c>AtomicDeployBatchSize</c> is set while <c>AtomicDeployRollout</c> is not <c>rolling</c>; every host switches at once.</summary>
    public const string BatchSizeWithoutRolling = "AD0753";

    /// <summary>Warning: a rolling deploy of several batches has no health check on any host (nor two-slot mode), so nothing but the switch and the after-switch command gates a batch.</summary>
    public const string RolloutWithoutHealthCheck = "AD0754";

    /// <summary><c>AtomicDeployAppPorts</c> does not name exactly two ports.</summary>
    public const string AppPortsNotTwo = "AD0420";

    /// <summary><c>AtomicDeployAppPorts</c> names the same port twice.</summary>
    public const string AppPortsEqual = "AD0421";

    /// <summary>A port of <c>AtomicDeployAppPorts</c> is not a whole number from 1024 to 65535.</summary>
    public const string AppPortOutOfRange = "AD0422";

    /// <summary><c>AtomicDeployAppPorts</c> is set without a start or stop command (or <c>AtomicDeployService</c>).</summary>
    public const string AppCommandMissing = "AD0423";

    /// <summary><c>AtomicDeployAppHealthPath</c> or <c>AtomicDeployService</c> is not usable.</summary>
    public const string AppSlotSettingInvalid = "AD0424";

    /// <summary>The app start command failed (or timed out) for the idle slot; nothing was switched.</summary>
    public const string AppStartFailed = "AD0425";

    /// <summary>The new release, started in the idle slot, did not answer 2xx on its port in time; nothing was switched.</summary>
    public const string AppSlotUnhealthy = "AD0426";

    /// <summary>Writing <c>upstream.conf</c> or the proxy reload command failed; everything went back to the old slot.</summary>
    public const string ProxyReloadFailed = "AD0427";

    /// <summary>Warning: the stop command failed for a slot (the old one after a deploy, or the new one after a failure).</summary>
    public const string AppStopFailed = "AD0428";

    /// <summary><c>AtomicDeployConnectLimit</c> is not a whole number of at least 1.</summary>
    public const string ConnectLimitInvalid = "AD0760";

    /// <summary>Every code above, for tests and documentation checks.</summary>
    public static IReadOnlyList<string> All { get; } =
        typeof(ErrorCodes).GetFields()
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();
}
