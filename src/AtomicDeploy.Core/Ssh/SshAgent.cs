using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace AtomicDeploy.Core.Ssh;

/// <summary>One key an ssh-agent holds: its public key blob, its type (<c>ssh-ed25519</c>, <c>ssh-rsa</c>, ...) and the comment ssh-add gave it.</summary>
/// <param name="Blob">The SSH public key blob.</param>
/// <param name="Comment">The key's comment (usually its file name), for messages.</param>
public sealed record AgentIdentity(byte[] Blob, string Comment)
{
    /// <summary>The key type named at the start of the blob.</summary>
    public string KeyType => HostKeyCheck.KeyTypeOf(Blob);

    /// <summary>How messages name the key: its type, fingerprint and comment; never the key itself.</summary>
    public override string ToString() =>
        $"{KeyType} {HostKeyCheck.Fingerprint(Blob)}{(Comment.Length > 0 ? $" ({Remote.ServerText.OneLine(Comment)})" : string.Empty)}";
}

/// <summary>
/// A client of the ssh-agent protocol (draft-miller-ssh-agent): lists the agent's keys and asks
/// it to sign. The private keys never leave the agent, so keys on hardware tokens, in password
/// managers or behind confirmation prompts work as they do for <c>ssh</c>. One connection per
/// request keeps it usable from SSH.NET's threads without locking.
/// </summary>
public sealed class SshAgent
{
    /// <summary>The flag asking for an <c>rsa-sha2-256</c> signature of an RSA key.</summary>
    public const uint RsaSha256 = 2;

    /// <summary>The flag asking for an <c>rsa-sha2-512</c> signature of an RSA key.</summary>
    public const uint RsaSha512 = 4;

    private const byte Failure = 5;
    private const byte RequestIdentities = 11;
    private const byte IdentitiesAnswer = 12;
    private const byte SignRequest = 13;
    private const byte SignResponse = 14;

    // An agent's answer is a list of public keys or one signature: far below this. A larger
    // length means the other end is not an agent, and is not trusted to size a buffer.
    private const int MaxMessage = 256 * 1024;

    private readonly IAgentTransport _transport;
    private readonly TimeSpan _timeout;

    /// <summary>A client of the agent reached through <paramref name="transport"/>.</summary>
    public SshAgent(IAgentTransport transport, TimeSpan timeout)
    {
        _transport = transport;
        _timeout = timeout;
    }

    /// <summary>Where the agent listens, for messages.</summary>
    public string Address => _transport.Address;

    /// <summary>The keys the agent holds, in its order; throws <see cref="IOException"/> when it cannot be asked.</summary>
    public IReadOnlyList<AgentIdentity> Identities()
    {
        var reply = Exchange([RequestIdentities]);
        if (reply.Type != IdentitiesAnswer)
        {
            throw new IOException($"The agent at {Address} answered the request for its keys with message {reply.Type}.");
        }

        var reader = new Reader(reply.Body);
        var count = reader.UInt32();
        var identities = new List<AgentIdentity>();
        for (var i = 0; i < count; i++)
        {
            var blob = reader.Bytes();
            var comment = Encoding.UTF8.GetString(reader.Bytes());
            identities.Add(new AgentIdentity(blob, comment));
        }

        return identities;
    }

    /// <summary>
    /// Asks the agent to sign <paramref name="data"/> with the key <paramref name="blob"/>; returns
    /// the SSH signature blob (algorithm name and signature), or null when the agent refuses
    /// (the key was removed, or its owner declined a confirmation prompt).
    /// </summary>
    public byte[]? Sign(byte[] blob, byte[] data, uint flags)
    {
        var request = new MemoryStream();
        request.WriteByte(SignRequest);
        WriteBytes(request, blob);
        WriteBytes(request, data);
        WriteUInt32(request, flags);
        var reply = Exchange(request.ToArray());
        return reply.Type switch
        {
            SignResponse => new Reader(reply.Body).Bytes(),
            Failure => null,
            _ => throw new IOException($"The agent at {Address} answered a signing request with message {reply.Type}."),
        };
    }

    private (byte Type, byte[] Body) Exchange(byte[] message)
    {
        try
        {
            using var stream = _transport.Open(_timeout);
            var frame = new byte[4 + message.Length];
            BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)message.Length);
            message.CopyTo(frame, 4);
            stream.Write(frame);
            stream.Flush();

            var header = new byte[4];
            stream.ReadExactly(header);
            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (length is 0 or > MaxMessage)
            {
                throw new IOException($"The agent at {Address} sent a message of {length} bytes; an ssh-agent does not.");
            }

            var body = new byte[length];
            stream.ReadExactly(body);
            return (body[0], body[1..]);
        }
        catch (SocketException e)
        {
            throw new IOException($"No ssh-agent answers at {Address} ({e.SocketErrorCode}).", e);
        }
        catch (EndOfStreamException e)
        {
            throw new IOException($"The agent at {Address} closed the connection before answering.", e);
        }
    }

    private static void WriteBytes(Stream stream, byte[] bytes)
    {
        WriteUInt32(stream, (uint)bytes.Length);
        stream.Write(bytes);
    }

    private static void WriteUInt32(Stream stream, uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, value);
        stream.Write(buffer);
    }

    /// <summary>Reads the SSH wire types, refusing lengths that run past the message.</summary>
    private sealed class Reader(byte[] data)
    {
        private int _position;

        public uint UInt32()
        {
            if (data.Length - _position < 4)
            {
                throw new IOException("An ssh-agent message ended early.");
            }

            var value = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(_position));
            _position += 4;
            return value;
        }

        public byte[] Bytes()
        {
            var length = UInt32();
            if (length > data.Length - _position)
            {
                throw new IOException("An ssh-agent message names a field longer than itself.");
            }

            var bytes = data.AsSpan(_position, (int)length).ToArray();
            _position += (int)length;
            return bytes;
        }
    }
}
