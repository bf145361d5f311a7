using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// Something hostile answering on a host's SSH port (a man in the middle, a reused address): on
/// 127.0.0.1 it sends an SSH identification line, then an SSH_MSG_DISCONNECT packet before any key
/// exchange, with a description of its choosing, to every client (at most 20, each within 10 s).
/// </summary>
internal sealed class HostileSshEndpoint : IDisposable
{
    private const byte SshMsgDisconnect = 1;
    private const uint ByApplication = 11;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Thread _thread;
    private readonly byte[] _packet;
    private int _clients;

    public HostileSshEndpoint(string description)
    {
        _packet = DisconnectPacket(description);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _thread = new Thread(Serve) { IsBackground = true, Name = "hostile ssh endpoint" };
        _thread.Start();
    }

    public int Port { get; }

    /// <summary>How many clients it answered.</summary>
    public int Clients => Volatile.Read(ref _clients);

    public void Dispose()
    {
        _listener.Stop();
        _thread.Join(TimeSpan.FromSeconds(5));
    }

    /// <summary>The unencrypted binary packet of RFC 4253 section 6 holding an SSH_MSG_DISCONNECT (RFC 4253 section 11.1).</summary>
    private static byte[] DisconnectPacket(string description)
    {
        var text = Encoding.UTF8.GetBytes(description);
        var payload = new byte[1 + 4 + 4 + text.Length + 4];
        payload[0] = SshMsgDisconnect;
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(1), ByApplication);
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(5), (uint)text.Length);
        text.CopyTo(payload, 9);
        // The language tag is an empty string: its length, 0, is already there.
        var padding = 8 - ((4 + 1 + payload.Length) % 8);
        padding = padding < 4 ? padding + 8 : padding;
        var packet = new byte[4 + 1 + payload.Length + padding];
        BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)(1 + payload.Length + padding));
        packet[4] = (byte)padding;
        payload.CopyTo(packet, 5);
        return packet;
    }

    private void Serve()
    {
        for (var i = 0; i < 20; i++)
        {
            TcpClient client;
            try
            {
                client = _listener.AcceptTcpClient();
            }
            catch (SocketException)
            {
                return;
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
            {
                // Stopped before (or while) this accept began: the test is over.
                return;
            }

            using (client)
            {
                try
                {
                    client.ReceiveTimeout = 10_000;
                    var stream = client.GetStream();
                    stream.Write("SSH-2.0-OpenSSH_9.6\r\n"u8);
                    ReadLine(stream);
                    stream.Write(_packet);
                    stream.Flush();
                    Interlocked.Increment(ref _clients);
                    // Let the client read it before the connection closes.
                    Thread.Sleep(200);
                }
                catch (IOException)
                {
                    // The client went away first.
                }
            }
        }
    }

    private static void ReadLine(NetworkStream stream)
    {
        for (var n = 0; n < 256 && stream.ReadByte() is var b && b >= 0 && b != '\n'; n++)
        {
        }
    }
}
