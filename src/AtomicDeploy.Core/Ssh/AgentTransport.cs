using System.IO.Pipes;
using System.Net.Sockets;

namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// Where an ssh-agent listens: a Unix socket (OpenSSH's <c>SSH_AUTH_SOCK</c>) or, on Windows, a
/// named pipe (the OpenSSH agent's <c>\\.\pipe\openssh-ssh-agent</c>). Both carry the same protocol,
/// so the agent client only needs a stream.
/// </summary>
public interface IAgentTransport
{
    /// <summary>What is connected to, for messages (a path, never a secret).</summary>
    string Address { get; }

    /// <summary>Opens a fresh connection to the agent; throws <see cref="IOException"/> or <see cref="SocketException"/> when none answers.</summary>
    Stream Open(TimeSpan timeout);
}

/// <summary>The agent's transports, and which one an address names.</summary>
public static class AgentTransport
{
    /// <summary>The pipe Windows' OpenSSH agent service listens on.</summary>
    public const string WindowsOpenSshPipe = @"\\.\pipe\openssh-ssh-agent";

    /// <summary>A pipe path (<c>\\.\pipe\name</c>) on Windows, else a Unix socket path.</summary>
    public static IAgentTransport For(string address) =>
        address.StartsWith(@"\\.\pipe\", StringComparison.OrdinalIgnoreCase)
            ? new NamedPipeAgent(address)
            : new UnixSocketAgent(address);

    private sealed class UnixSocketAgent(string path) : IAgentTransport
    {
        public string Address => path;

        public Stream Open(TimeSpan timeout)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            {
                ReceiveTimeout = (int)timeout.TotalMilliseconds,
                SendTimeout = (int)timeout.TotalMilliseconds,
            };
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(path));
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    private sealed class NamedPipeAgent(string path) : IAgentTransport
    {
        public string Address => path;

        public Stream Open(TimeSpan timeout)
        {
            var pipe = new NamedPipeClientStream(".", path[@"\\.\pipe\".Length..], PipeDirection.InOut);
            try
            {
                pipe.Connect((int)timeout.TotalMilliseconds);
                return pipe;
            }
            catch (TimeoutException e)
            {
                pipe.Dispose();
                throw new IOException($"No agent answered on {path}.", e);
            }
            catch
            {
                pipe.Dispose();
                throw;
            }
        }
    }
}
