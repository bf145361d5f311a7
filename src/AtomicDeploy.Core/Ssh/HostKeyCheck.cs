using System.Security.Cryptography;
using System.Text;
using AtomicDeploy.Core.Planning;

namespace AtomicDeploy.Core.Ssh;

/// <summary>How unknown host keys are treated.</summary>
public enum HostKeyPolicy
{
    /// <summary>An unknown key is refused.</summary>
    Strict,

    /// <summary>An unknown key is trusted and recorded in known_hosts; a changed key is still refused.</summary>
    AcceptNew,
}

/// <summary>
/// Decides whether to trust the key a server offers: a pinned <c>SHA256:</c> fingerprint, else
/// the known_hosts file. SSH.NET trusts any key unless told otherwise, so every connection goes
/// through here, and a refusal becomes a coded error that prints the fingerprint to pin.
/// </summary>
public sealed class HostKeyCheck
{
    private readonly HostAddress _host;
    private readonly string _knownHostsFile;
    private readonly IReadOnlyList<string> _pinned;
    private readonly HostKeyPolicy _policy;

    /// <summary>Creates the check for one host.</summary>
    public HostKeyCheck(HostAddress host, string knownHostsFile, IReadOnlyList<string> pinnedFingerprints, HostKeyPolicy policy)
    {
        _host = host;
        _knownHostsFile = knownHostsFile;
        _pinned = pinnedFingerprints;
        _policy = policy;
    }

    private readonly List<string> _offeredKeys = [];

    /// <summary>Set when the last key offered was refused: the coded error to report.</summary>
    public DeployException? Refusal { get; private set; }

    /// <summary>Whether the current attempt's key was refused only because it is not pinned (another key type of the server may be).</summary>
    public bool PinMissed { get; private set; }

    /// <summary>The refusal naming every key the server showed in any attempt, none of them pinned; null while none was refused.</summary>
    public DeployException? PinRefusal { get; private set; }

    /// <summary>Parses <c>AtomicDeployHostKeyFingerprint</c>: a <c>;</c>-list of <c>SHA256:</c> fingerprints.</summary>
    public static IReadOnlyList<string> ParseFingerprints(string? text)
    {
        var fingerprints = (text ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var fingerprint in fingerprints)
        {
            if (!fingerprint.StartsWith("SHA256:", StringComparison.Ordinal) || fingerprint.Length != 50 || !fingerprint[7..].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/'))
            {
                throw new DeployException(ErrorCodes.HostKeySettingInvalid,
                    $"AtomicDeployHostKeyFingerprint holds '{fingerprint}', which is not a SHA256 fingerprint. Use the form ssh-keygen -lf prints: SHA256: and 43 base64 characters.");
            }
        }

        return fingerprints;
    }

    /// <summary>The OpenSSH-style fingerprint of a public key blob: <c>SHA256:</c> and unpadded base64.</summary>
    public static string Fingerprint(byte[] key) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(key)).TrimEnd('=');

    /// <summary>The key type written at the start of an SSH public key blob, e.g. <c>ssh-ed25519</c>.</summary>
    public static string KeyTypeOf(byte[] key)
    {
        if (key.Length < 4)
        {
            return "unknown";
        }

        // The server writes this name; it goes into known_hosts and messages, so only a plain
        // algorithm name is taken (a newline in it could otherwise add a line to known_hosts).
        var length = (key[0] << 24) | (key[1] << 16) | (key[2] << 8) | key[3];
        var name = length > 0 && length <= Math.Min(64, key.Length - 4) ? Encoding.ASCII.GetString(key, 4, length) : string.Empty;
        return name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '@' or '_' or '+') ? name : "unknown";
    }

    /// <summary>
    /// The host key algorithms to offer, in order: those whose key type known_hosts records for
    /// this host first (as OpenSSH does, so a server with several keys shows the recorded one),
    /// then the rest. Certificate algorithms are left out: host certificates are not trusted here.
    /// </summary>
    public IReadOnlyList<string> PreferredAlgorithms(IEnumerable<string> algorithms)
    {
        var known = _pinned.Count > 0 ? [] : LoadKnownHosts().KeyTypesFor(_host.KnownHostsName);
        return algorithms
            .Where(a => !a.Contains("-cert-", StringComparison.Ordinal))
            .OrderBy(a => known.Contains(KeyTypeOfAlgorithm(a), StringComparer.Ordinal) ? 0 : 1)
            .ToArray();
    }

    /// <summary>
    /// The host key algorithms to offer in each connection attempt. Without pins: one attempt, in
    /// <see cref="PreferredAlgorithms"/> order. With pins: one attempt per key type (ed25519, each
    /// ECDSA curve, RSA with its signature algorithms), since a pin is the hash of a key and names
    /// no type, and a server with several keys shows only the one of the type negotiated. Every
    /// attempt's key still goes through <see cref="Trust"/>: none connects unverified.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> AlgorithmAttempts(IEnumerable<string> algorithms)
    {
        var preferred = PreferredAlgorithms(algorithms);
        return _pinned.Count == 0
            ? [preferred]
            : preferred.GroupBy(KeyTypeOfAlgorithm, StringComparer.Ordinal).Select(g => (IReadOnlyList<string>)g.ToArray()).ToArray();
    }

    /// <summary>Starts a connection attempt: forgets the last refusal (the keys seen so far are kept for the message).</summary>
    public void BeginAttempt()
    {
        Refusal = null;
        PinMissed = false;
    }

    /// <summary>The key type an SSH host key algorithm uses: <c>rsa-sha2-256</c> is an <c>ssh-rsa</c> key.</summary>
    public static string KeyTypeOfAlgorithm(string algorithm) =>
        algorithm is "rsa-sha2-256" or "rsa-sha2-512" ? "ssh-rsa" : algorithm;

    /// <summary>Judges the key a server offered; returns true to trust it.</summary>
    public bool Trust(byte[] key)
    {
        var fingerprint = Fingerprint(key);
        var keyType = KeyTypeOf(key);
        if (_pinned.Count > 0)
        {
            if (_pinned.Contains(fingerprint, StringComparer.Ordinal))
            {
                return true;
            }

            _offeredKeys.Add($"{keyType} {fingerprint}");
            PinMissed = true;
            Refusal = PinRefusal = new DeployException(ErrorCodes.HostKeyChanged,
                $"The host key{(_offeredKeys.Count > 1 ? "s" : string.Empty)} of {_host.KnownHostsName} {(_offeredKeys.Count > 1 ? "are" : "is")} {string.Join(", ", _offeredKeys)}, {(_offeredKeys.Count > 1 ? "none of them" : "which is not")} among the fingerprints pinned in AtomicDeployHostKeyFingerprint. If the server's key really changed, pin the new fingerprint; otherwise do not deploy: someone may be between you and the server.");
            return false;
        }

        KnownHosts knownHosts;
        try
        {
            knownHosts = LoadKnownHosts();
        }
        catch (DeployException e)
        {
            Refusal = e;
            return false;
        }

        var line = KnownHosts.LineFor(_host.KnownHostsName, keyType, key);
        switch (knownHosts.Verify(_host.KnownHostsName, keyType, key))
        {
            case HostKeyVerdict.Trusted:
                return true;
            case HostKeyVerdict.Revoked:
                Refusal = new DeployException(ErrorCodes.HostKeyRevoked,
                    $"The host key of {_host.KnownHostsName} ({keyType} {fingerprint}) is marked @revoked in {_knownHostsFile}. The server must get a new key before you deploy to it.");
                return false;
            case HostKeyVerdict.Changed:
                Refusal = new DeployException(ErrorCodes.HostKeyChanged,
                    $"The host key of {_host.KnownHostsName} has CHANGED: the server offers {keyType} {fingerprint}, but {_knownHostsFile} records other keys for it ({string.Join(", ", knownHosts.KeyTypesFor(_host.KnownHostsName))}). If the change is expected, replace those entries with: {line}");
                return false;
            case HostKeyVerdict.CertificateAuthorityOnly:
                // AcceptNew does not apply: the file says how this host is to be trusted, and it is not by a bare key.
                Refusal = new DeployException(ErrorCodes.HostKeyCertificateUnsupported,
                    $"{_knownHostsFile} trusts a @cert-authority for {_host.KnownHostsName}, and host certificates are not supported. The server offers {keyType} {fingerprint}; check it with the server's administrator, then add this line to {_knownHostsFile}: {line}   or pin it with -p:AtomicDeployHostKeyFingerprint={fingerprint}");
                return false;
            default:
                if (_policy == HostKeyPolicy.AcceptNew && keyType != "unknown")
                {
                    return Record(line);
                }

                Refusal = new DeployException(ErrorCodes.HostKeyUnknown,
                    $"The host key of {_host.KnownHostsName} is unknown: {keyType} {fingerprint}. Check it with the server's administrator, then add this line to {_knownHostsFile}: {line}   or pin it with -p:AtomicDeployHostKeyFingerprint={fingerprint}");
                return false;
        }
    }

    private KnownHosts LoadKnownHosts()
    {
        try
        {
            return KnownHosts.Load(_knownHostsFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DeployException(ErrorCodes.KnownHostsUnusable,
                $"The known_hosts file '{_knownHostsFile}' cannot be read ({e.GetType().Name}). Check AtomicDeployKnownHostsFile and the file's permissions.");
        }
    }

    private bool Record(string line)
    {
        try
        {
            KnownHostsAppend.Line(_knownHostsFile, line);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Refusal = new DeployException(ErrorCodes.KnownHostsUnusable,
                $"AtomicDeployHostKeyPolicy=AcceptNew could not record the new host in '{_knownHostsFile}' ({e.GetType().Name}), so the host is not trusted. Check the file's permissions, or add this line yourself: {line}");
            return false;
        }
    }
}
