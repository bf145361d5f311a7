using System.Text;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// Finds the credentials to offer: key text from the environment (CI), else the key file named or
/// the first default one found, and a password from the environment. Secrets are read here and
/// nowhere else, and never appear in a message.
/// </summary>
public static class SshCredentials
{
    private static readonly string[] DefaultKeyFiles = ["id_ed25519", "id_ecdsa", "id_rsa"];

    /// <summary>Builds the authentication methods for <paramref name="settings"/>, in the order they are tried.</summary>
    public static AuthenticationMethod[] Build(SshSettings settings, Func<string, string?> environment, string homeFolder)
    {
        var user = settings.Host.User;
        var passphrase = NonEmpty(environment(settings.PassphraseVariable));
        var methods = new List<AuthenticationMethod>();

        var keyText = NonEmpty(environment(settings.PrivateKeyVariable));
        if (keyText is not null)
        {
            methods.Add(new PrivateKeyAuthenticationMethod(user, ReadKey(() => new MemoryStream(Encoding.UTF8.GetBytes(keyText.Replace("\r\n", "\n", StringComparison.Ordinal))), passphrase, $"the key text in the environment variable {settings.PrivateKeyVariable}")));
        }
        else if (settings.PrivateKeyFile is { Length: > 0 } keyFile)
        {
            if (!File.Exists(keyFile))
            {
                throw new DeployException(ErrorCodes.KeyUnreadable, $"The private key file '{keyFile}' (AtomicDeployPrivateKeyFile) does not exist.");
            }

            methods.Add(new PrivateKeyAuthenticationMethod(user, ReadKey(() => File.OpenRead(keyFile), passphrase, $"the key file '{keyFile}'")));
        }
        else
        {
            var found = DefaultKeyFiles.Select(name => Path.Combine(homeFolder, ".ssh", name)).FirstOrDefault(File.Exists);
            if (found is not null)
            {
                methods.Add(new PrivateKeyAuthenticationMethod(user, ReadKey(() => File.OpenRead(found), passphrase, $"the key file '{found}'")));
            }
        }

        var password = NonEmpty(environment(settings.PasswordVariable));
        if (password is not null)
        {
            methods.Add(new PasswordAuthenticationMethod(user, password));
        }

        if (methods.Count == 0)
        {
            throw new DeployException(ErrorCodes.NoCredential,
                $"No SSH credential was found for {settings.Host}: set AtomicDeployPrivateKeyFile, put a key in ~/.ssh (id_ed25519, id_ecdsa or id_rsa), or set the environment variable {settings.PrivateKeyVariable} (key text) or {settings.PasswordVariable}.");
        }

        return methods.ToArray();
    }

    private static PrivateKeyFile ReadKey(Func<Stream> open, string? passphrase, string source)
    {
        try
        {
            using var stream = open();
            return passphrase is null ? new PrivateKeyFile(stream) : new PrivateKeyFile(stream, passphrase);
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            throw new DeployException(ErrorCodes.KeyUnreadable, $"{Capitalise(source)} is encrypted: put its passphrase in the environment variable named by AtomicDeployPassphraseVariable (ATOMICDEPLOY_SSH_PASSPHRASE by default).");
        }
        catch (Exception e) when (e is SshException or ArgumentException or InvalidOperationException or FormatException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or NotSupportedException)
        {
            // The library's message may quote key material; only its type is kept.
            throw new DeployException(ErrorCodes.KeyUnreadable, $"{Capitalise(source)} cannot be read as an OpenSSH private key ({e.GetType().Name}): check the file, its format, and the passphrase if it is encrypted.");
        }
    }

    private static string Capitalise(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
