namespace AtomicDeploy.Core.Remote;

/// <summary>What a script printed and how it ended.</summary>
public sealed record ShellResult(int ExitCode, string Output, string Error);

/// <summary>
/// Runs a POSIX shell script where the releases live: on this machine (<see cref="LocalShell"/>)
/// or on a server over one SSH connection (<see cref="Ssh.SshShell"/>). Each call is one round trip.
/// </summary>
public interface IRemoteShell : IDisposable
{
    /// <summary>Where scripts run, for messages: <c>user@host:port</c> or <c>this machine</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Runs <paramref name="script"/> with <c>sh</c>; the script travels on the standard input (see
    /// <see cref="ScriptOnInput"/>), so its size is not limited. When <paramref name="writeInput"/> is given it
    /// streams the script's standard input (buffered) and the input is closed when it returns.
    /// A non-zero exit is returned, not thrown; a timeout, cancellation or lost connection throws
    /// a <see cref="DeployException"/>.
    /// </summary>
    ShellResult Run(string script, Action<Stream>? writeInput, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// Starts <paramref name="script"/> with <c>sh</c> and leaves it running beside later calls until
    /// the returned process is disposed (its standard input closes) or the connection ends.
    /// </summary>
    RemoteProcess Start(string script);
}
