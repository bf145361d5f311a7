namespace AtomicDeploy.Core.Remote;

/// <summary>How long a step may take on the server, and how long to wait for another deploy's lock.</summary>
/// <param name="Command">The most one step's commands may take.</param>
/// <param name="LockWait">The most to wait while another deploy holds the lock (zero: fail at once).</param>
public sealed record RemoteTimeouts(TimeSpan Command, TimeSpan LockWait);
