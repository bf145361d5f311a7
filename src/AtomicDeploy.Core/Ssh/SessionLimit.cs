using Renci.SshNet.Common;

namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// A server that refuses another session (channel) on the connection, as sshd does beyond its
/// <c>MaxSessions</c>: SSH.NET retries, then gives up with a bare <see cref="SshException"/>.
/// It becomes a coded error that says how many sessions a deploy needs.
/// </summary>
public static class SessionLimit
{
    /// <summary>
    /// Sessions a deploy keeps open on its connection at once: the command holding the deploy lock
    /// (for the whole deploy, see <see cref="Remote.DeployLock"/>) and the step running beside it.
    /// </summary>
    public const int SessionsNeeded = 2;

    /// <summary>True when <paramref name="e"/> is SSH.NET giving up on opening a channel the server refused.</summary>
    public static bool IsRefusedChannel(Exception e) =>
        e is SshException && e is not SshConnectionException && e.Message.StartsWith("Failed to open a channel", StringComparison.Ordinal);

    /// <summary>The coded error for <paramref name="host"/> refusing a session.</summary>
    public static DeployException TooFewSessions(string host, Exception e) =>
        new(ErrorCodes.TooFewSessions,
            $"{host} refused to open another session on the connection: the server allows too few sessions per connection (sshd_config MaxSessions, or a limit of the deploy user's account). A deploy keeps {SessionsNeeded} open at once (one holds the deploy lock for the whole deploy, one runs each step). Set MaxSessions {SessionsNeeded} or more in the server's sshd_config (OpenSSH's default is 10) and reload sshd. Nothing was deployed: the live release is untouched.",
            e);
}
