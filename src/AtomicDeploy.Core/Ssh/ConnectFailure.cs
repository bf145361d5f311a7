using System.Net.Sockets;
using Renci.SshNet.Common;
using Renci.SshNet.Messages.Transport;

namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// Tells a connection failure that may pass (a DNS server that says "try again", a connection
/// reset, refused, timed out or closed before the SSH handshake, as a busy sshd's MaxStartups or
/// a restarting load balancer give) from one that will not: an unknown name, a host key that does
/// not match, credentials refused, a bad setting. Only the first kind is worth a second attempt.
/// </summary>
internal static class ConnectFailure
{
    /// <summary>The errors of a connection whose failure may pass; any other code is never tried again.</summary>
    private static readonly HashSet<string> RetriedCodes = [ErrorCodes.Unreachable, ErrorCodes.JumpHostUnreachable];

    private static readonly HashSet<SocketError> PassingSocketErrors =
    [
        SocketError.TryAgain,
        SocketError.ConnectionReset,
        SocketError.ConnectionRefused,
        SocketError.ConnectionAborted,
        SocketError.TimedOut,
    ];

    /// <summary>
    /// Whether <paramref name="failure"/>, thrown while connecting, may pass: a passing network
    /// error, and no host key seen yet (<paramref name="hostKeySeen"/>): once the server showed its
    /// key the handshake is under way, and a failure from there on is the server's answer.
    /// </summary>
    public static bool MayPass(Exception failure, bool hostKeySeen)
    {
        if (hostKeySeen)
        {
            return false;
        }

        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SshAuthenticationException or DeployException:
                    return false;
                case SocketException socket:
                    return PassingSocketErrors.Contains(socket.SocketErrorCode);
                case SshConnectionException connection:
                    // The server closed the connection before its banner (MaxStartups, a proxy
                    // with no backend yet); any other reason is the server's answer.
                    return connection.DisconnectReason == DisconnectReason.ConnectionLost;
                case SshOperationTimeoutException or TimeoutException or OperationCanceledException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>Marks <paramref name="failure"/> as one that may pass (the inner exception of the coded error).</summary>
    public static Exception Passing(Exception failure) => new PassingFailure(failure);

    /// <summary>Whether the coded error of a connection attempt may pass, so one more attempt is worth it.</summary>
    public static bool MayPass(DeployException error)
    {
        if (!RetriedCodes.Contains(error.Code))
        {
            return false;
        }

        for (var e = error.InnerException; e is not null; e = e.InnerException)
        {
            if (e is PassingFailure)
            {
                return true;
            }

            if (e is DeployException inner && !RetriedCodes.Contains(inner.Code))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>For the log: what went wrong, in words of our own (no server text): the exception's type and socket error.</summary>
    public static string Describe(DeployException error)
    {
        for (var e = error.InnerException; e is not null; e = e.InnerException)
        {
            if (e is PassingFailure passing)
            {
                var original = passing.InnerException!;
                var socket = original as SocketException ?? original.InnerException as SocketException;
                return socket is null ? original.GetType().Name : $"{original.GetType().Name} {socket.SocketErrorCode}";
            }
        }

        return error.Code;
    }

    /// <summary>Carries a failure that may pass inside the coded error, unchanged in message.</summary>
    private sealed class PassingFailure(Exception inner) : Exception(inner.Message, inner);
}
