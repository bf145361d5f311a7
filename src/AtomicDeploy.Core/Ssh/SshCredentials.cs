using Renci.SshNet;
using Renci.SshNet.Common;

namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// The credentials to offer one server, and what to say when it refuses them. The ssh-agent's
/// keys come first (as with OpenSSH), then key text from the environment (CI), else the key file
/// named, else the ssh config's IdentityFiles or every default key file found, in OpenSSH's
/// order; a password from the environment comes last. Secrets are read here and nowhere
/// else, and never appear in a message: messages name where a secret came from, never the secret.
/// </summary>
public sealed class SshCredentials
{
    /// <summary>The key files tried when none is named, in order, as OpenSSH tries them (on Windows under %USERPROFILE%\.ssh).</summary>
    public static IReadOnlyList<string> DefaultKeyFiles(string homeFolder) =>
        DefaultKeyNames.Select(name => LocalPath.Join(homeFolder, ".ssh", name)).ToArray();

    private static readonly string[] DefaultKeyNames = ["id_ed25519", "id_ecdsa", "id_rsa"];

    private readonly bool _agentKeysOnly;

    private SshCredentials(IReadOnlyList<AuthenticationMethod> methods, IReadOnlyList<string> keySources, string? passwordSource, bool agentKeysOnly)
    {
        Methods = methods;
        KeySources = keySources;
        PasswordSource = passwordSource;
        _agentKeysOnly = agentKeysOnly;
    }

    /// <summary>The authentication methods, in the order they are tried.</summary>
    public IReadOnlyList<AuthenticationMethod> Methods { get; }

    /// <summary>Where each key offered came from, for messages.</summary>
    public IReadOnlyList<string> KeySources { get; }

    /// <summary>The variable the password came from, or null when none is offered.</summary>
    public string? PasswordSource { get; }

    /// <summary>Finds and reads the credentials for <paramref name="settings"/>, or throws a coded error.</summary>
    public static SshCredentials Build(SshSettings settings, Func<string, string?> environment, string homeFolder)
    {
        var passphrase = NonEmpty(environment(settings.PassphraseVariable));
        var keys = new List<(string Source, IPrivateKeySource Key)>();

        // As OpenSSH does, the agent's keys come first: a key kept only there (a hardware key,
        // a password manager) is the one the user means.
        var agent = AgentKeys.Find(settings, environment);
        keys.AddRange(agent.Keys.Select(k => ($"the key {k.Identity} in the ssh-agent", (IPrivateKeySource)k)));
        var agentKeyCount = keys.Count;

        if (NonEmpty(environment(settings.PrivateKeyVariable)) is { } keyText)
        {
            var source = $"the key text in the environment variable {settings.PrivateKeyVariable}";
            keys.Add((source, PrivateKeyReader.Read(keyText, passphrase, source, settings.PassphraseVariable)));
        }
        else if (settings.PrivateKeyFile is { Length: > 0 } keyFile)
        {
            var source = $"the key file '{keyFile}'";
            keys.Add((source, PrivateKeyReader.Read(ReadKeyFile(keyFile), passphrase, source, settings.PassphraseVariable)));
        }
        else
        {
            var files = settings.IdentityFiles.Count > 0 ? settings.IdentityFiles : DefaultKeyFiles(homeFolder);
            keys.AddRange(FoundKeys(files, passphrase, settings.PassphraseVariable, mustFindOne: agentKeyCount == 0));
        }

        var user = settings.Host.User;
        var methods = new List<AuthenticationMethod>();
        if (keys.Count > 0)
        {
            methods.Add(new PrivateKeyAuthenticationMethod(user, keys.Select(k => k.Key).ToArray()));
        }

        var password = NonEmpty(environment(settings.PasswordVariable));
        if (password is not null)
        {
            methods.Add(new PasswordAuthenticationMethod(user, password));
        }

        if (methods.Count == 0 && agent.Problem is not null)
        {
            throw agent.Problem;
        }

        if (methods.Count == 0)
        {
            throw new DeployException(ErrorCodes.NoCredential,
                $"No SSH credential was found for {settings.Host}: set AtomicDeployPrivateKeyFile, put a key in ~/.ssh (id_ed25519, id_ecdsa or id_rsa), or set the environment variable {settings.PrivateKeyVariable} (key text) or {settings.PasswordVariable}.");
        }

        return new SshCredentials(methods.ToArray(), keys.Select(k => k.Source).ToArray(), password is null ? null : $"the password in the environment variable {settings.PasswordVariable}",
            agentKeyCount > 0 && agentKeyCount == keys.Count && password is null);
    }

    /// <summary>The coded error for a server that refused these credentials: the key, the password, both, or the kinds offered.</summary>
    public DeployException Refused(string host, SshAuthenticationException e)
    {
        var offered = string.Join(" and ", KeySources.Concat(PasswordSource is null ? [] : [PasswordSource]));

        // SSH.NET says "No suitable authentication method" when the server accepts none of the
        // kinds offered; its message lists the kinds the server accepts, which are not secret.
        if (e.Message.StartsWith("No suitable authentication method", StringComparison.Ordinal))
        {
            return new DeployException(ErrorCodes.NoAcceptedMethod,
                $"{host} accepts none of the kinds of credential offered ({offered}); the server said: {Remote.ServerText.ForLog(e.Message)} Offer what it accepts, e.g. a key the user's ~/.ssh/authorized_keys lists.", e);
        }

        if (_agentKeysOnly)
        {
            return new DeployException(ErrorCodes.AgentKeysRefused,
                $"{host} accepts none of the keys the ssh-agent holds ({offered}) for user '{Methods[0].Username}'. Add the deploy key to the agent with ssh-add, or add one of these public keys (ssh-add -L prints them) to that user's ~/.ssh/authorized_keys on the server.", e);
        }

        return (KeySources.Count > 0, PasswordSource is not null) switch
        {
            (true, false) => new DeployException(ErrorCodes.KeyRefused,
                $"{host} refused {offered}: the key is not authorised for user '{Methods[0].Username}'. Add its public key to that user's ~/.ssh/authorized_keys on the server, or check the user name (AtomicDeployUser or user@ in AtomicDeployHost).", e),
            (false, true) => new DeployException(ErrorCodes.PasswordRefused,
                $"{host} refused {offered} for user '{Methods[0].Username}'. Check the password and the user name, and that the server allows password logins.", e),
            _ => new DeployException(ErrorCodes.AuthenticationFailed,
                $"{host} refused every credential offered ({offered}) for user '{Methods[0].Username}'. Check the user name, that the public key is in that user's ~/.ssh/authorized_keys, and the password.", e),
        };
    }

    private static List<(string Source, IPrivateKeySource Key)> FoundKeys(IEnumerable<string> files, string? passphrase, string passphraseVariable, bool mustFindOne)
    {
        // As OpenSSH does, every key file found is offered in turn. One that cannot be read
        // (say, encrypted without a passphrase) is left out when another can be offered.
        var found = files.Where(File.Exists).ToArray();
        var keys = new List<(string Source, IPrivateKeySource Key)>();
        DeployException? firstFailure = null;
        foreach (var file in found)
        {
            try
            {
                var source = $"the key file '{file}'";
                keys.Add((source, PrivateKeyReader.Read(ReadKeyFile(file), passphrase, source, passphraseVariable)));
            }
            catch (DeployException e)
            {
                firstFailure ??= e;
            }
        }

        return keys.Count == 0 && firstFailure is not null && mustFindOne ? throw firstFailure : keys;
    }

    private static string ReadKeyFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DeployException(ErrorCodes.KeyFileMissing,
                $"The private key file '{path}' (AtomicDeployPrivateKeyFile) does not exist or cannot be read ({e.GetType().Name}). Check the path and that this user may read it.");
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
