using System.Buffers.Binary;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// Reads one private key and, when it cannot, says which of the user's mistakes it was: an
/// encrypted key without a passphrase, a wrong passphrase, or text that is no key at all. The
/// key's own header says whether it is encrypted, so a wrong passphrase is never mistaken for a
/// bad file. No message quotes the key or the passphrase.
/// </summary>
internal static class PrivateKeyReader
{
    private const string OpenSshMagic = "openssh-key-v1\0";

    /// <summary>Parses <paramref name="text"/> (an OpenSSH, PEM or PuTTY private key) or throws a coded error naming <paramref name="source"/>.</summary>
    public static PrivateKeyFile Read(string text, string? passphrase, string source, string passphraseVariable)
    {
        var encrypted = IsEncrypted(text);
        if (encrypted && passphrase is null)
        {
            throw new DeployException(ErrorCodes.PassphraseMissing,
                $"{Capitalise(source)} is encrypted: put its passphrase in the environment variable {passphraseVariable} (the property AtomicDeployPassphraseVariable names another).");
        }

        try
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n", StringComparison.Ordinal)));
            return passphrase is null ? new PrivateKeyFile(stream) : new PrivateKeyFile(stream, passphrase);
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            throw new DeployException(ErrorCodes.PassphraseMissing,
                $"{Capitalise(source)} is encrypted: put its passphrase in the environment variable {passphraseVariable} (the property AtomicDeployPassphraseVariable names another).");
        }
        catch (Exception e) when (e is SshException or ArgumentException or InvalidOperationException or FormatException or IOException or System.Security.Cryptography.CryptographicException or NotSupportedException or IndexOutOfRangeException or OverflowException)
        {
            // SSH.NET's message may quote key material: only the exception's type is kept.
            throw encrypted
                ? new DeployException(ErrorCodes.PassphraseWrong,
                    $"{Capitalise(source)} is encrypted and the passphrase in the environment variable {passphraseVariable} does not open it ({e.GetType().Name}). Set the right passphrase there.")
                : new DeployException(ErrorCodes.KeyUnreadable,
                    $"{Capitalise(source)} cannot be read as a private key ({e.GetType().Name}): use an OpenSSH private key (the file ssh-keygen writes, not the .pub one), PEM or PuTTY.");
        }
    }

    /// <summary>True when the key's header says it is encrypted (OpenSSH cipher, PEM <c>Proc-Type: 4,ENCRYPTED</c>, PKCS#8, PuTTY).</summary>
    public static bool IsEncrypted(string text)
    {
        if (text.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal) || text.Contains("BEGIN ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
        {
            return true;
        }

        var putty = text.Split('\n').FirstOrDefault(l => l.StartsWith("Encryption:", StringComparison.Ordinal));
        if (putty is not null)
        {
            return putty["Encryption:".Length..].Trim() != "none";
        }

        return OpenSshCipher(text) is { } cipher && cipher != "none";
    }

    private static string? OpenSshCipher(string text)
    {
        const string begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        var end = text.IndexOf("-----END OPENSSH PRIVATE KEY-----", StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            return null;
        }

        try
        {
            var body = Convert.FromBase64String(string.Concat(text[(start + begin.Length)..end].Where(c => !char.IsWhiteSpace(c))));
            var magic = Encoding.ASCII.GetByteCount(OpenSshMagic);
            if (body.Length < magic + 4 || Encoding.ASCII.GetString(body, 0, magic) != OpenSshMagic)
            {
                return null;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(magic));
            return length >= 0 && length <= body.Length - magic - 4 ? Encoding.ASCII.GetString(body, magic + 4, length) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Capitalise(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
