using System.Diagnostics;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// A real OpenSSH server for the tests: Debian's sshd on 127.0.0.1 and a free port, with a
/// throwaway host key, client key and config in a temp folder. When the tests run as root, logins
/// go to an unprivileged user made for them, so deploys run without privileges as in production.
/// </summary>
internal sealed class SshServer : IDisposable
{
    public const string TestUser = "atomicdeploy-test";
    private const string SshdPath = "/usr/sbin/sshd";

    private readonly TempFolder _folder = new("atomicdeploy-sshd-");
    private readonly Process _process;

    private SshServer(string user, string loginShell, string? password = null, string? ownDiskAt = null, int maxSessions = 64, string[]? extraHostKeyTypes = null, HiddenNetwork? network = null, bool forwarding = false, string? sessionPath = null)
    {
        if (!File.Exists(SshdPath))
        {
            throw new InvalidOperationException($"{SshdPath} is missing: install OpenSSH's server (Debian: apt-get install -y openssh-server). The tests run it on 127.0.0.1 themselves.");
        }

        IsRoot = Environment.UserName == "root";
        User = IsRoot ? EnsureTestUser(user, loginShell) : Environment.UserName;
        if (password is not null)
        {
            // sshd without PAM checks the password against /etc/shadow.
            ProcessRunner.Check("sh", "-c", "printf '%s:%s\\n' \"$1\" \"$2\" | chpasswd", "sh", User, password);
        }

        File.SetUnixFileMode(_folder.Path, (UnixFileMode)0b111_101_101);

        HostKeyFile = _folder.Combine("host_ed25519");
        ProcessRunner.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test-host", "-f", HostKeyFile);
        var hostKeyLines = $"HostKey {HostKeyFile}\n";
        foreach (var type in extraHostKeyTypes ?? [])
        {
            ProcessRunner.Check("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "test-host", "-f", _folder.Combine("host_" + type));
            hostKeyLines += $"HostKey {_folder.Combine("host_" + type)}\n";
        }

        ClientKeyFile = _folder.Combine("client_ed25519");
        ProcessRunner.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test-client", "-f", ClientKeyFile);
        File.Copy(ClientKeyFile + ".pub", _folder.Combine("authorized_keys"));
        File.SetUnixFileMode(_folder.Combine("authorized_keys"), (UnixFileMode)0b110_100_100);

        Port = Loopback.FreePort();
        var hostPublicKey = File.ReadAllText(HostKeyFile + ".pub").Split(' ');
        HostKeyType = hostPublicKey[0];
        HostKeyBase64 = hostPublicKey[1];
        KnownHostsFile = _folder.Combine("known_hosts");
        File.WriteAllText(KnownHostsFile, $"[127.0.0.1]:{Port} {HostKeyType} {HostKeyBase64}\n");

        var config = _folder.Combine("sshd_config");
        File.WriteAllText(config, $"""
            Port {Port}
            ListenAddress 127.0.0.1
            {hostKeyLines.TrimEnd()}
            PidFile {_folder.Combine("sshd.pid")}
            AuthorizedKeysFile {_folder.Combine("authorized_keys")}
            AllowUsers {User}
            PermitRootLogin no
            PasswordAuthentication {(password is null ? "no" : "yes")}
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            UsePAM no
            StrictModes no
            X11Forwarding no
            AllowTcpForwarding {(forwarding ? "local" : "no")}
            MaxSessions {maxSessions}
            MaxStartups 64:30:128
            LogLevel VERBOSE
            {(sessionPath is null ? string.Empty : $"SetEnv PATH={sessionPath}")}

            """);

        if (IsRoot)
        {
            Directory.CreateDirectory("/run/sshd");
        }

        // A server with its own disk runs in a private mount namespace where its own folder is
        // mounted over the common path: the same deploy path is a different disk on each server.
        string[] command = [SshdPath, "-D", "-e", "-f", config];
        if (ownDiskAt is not null)
        {
            Disk = _folder.Combine("disk");
            Directory.CreateDirectory(Disk);
            GiveToUser(Disk);
            command = ["unshare", "-m", "--propagation", "private", "sh", "-c", "mount --bind \"$1\" \"$2\" && shift 2 && exec \"$@\"", "sshd-with-own-disk", Disk, ownDiskAt, .. command];
        }

        if (network is not null)
        {
            command = network.Inside(command);
        }

        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (Log) { Log.Add(e.Data); } } };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (Log) { Log.Add(e.Data); } } };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        if (network is null)
        {
            Loopback.WaitUntilListening(_process, Port, "sshd", () => string.Join('\n', Log));
        }
        else
        {
            // Its port is not reachable from here: sshd says when it listens.
            Loopback.WaitFor(() => { lock (Log) { return _process.HasExited || Log.Any(l => l.Contains($"Server listening on 127.0.0.1 port {Port}", StringComparison.Ordinal)); } }, TimeSpan.FromSeconds(15), "sshd to listen in its network namespace");
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"sshd exited with {_process.ExitCode}: {string.Join('\n', Log)}");
            }
        }
    }

    public bool IsRoot { get; }

    /// <summary>For a server with its own disk: the folder mounted over the common path in its namespace, as the tests see it.</summary>
    public string? Disk { get; }

    public string User { get; }

    public int Port { get; }

    public string HostKeyFile { get; }

    public string HostKeyType { get; }

    public string HostKeyBase64 { get; }

    public string ClientKeyFile { get; }

    public string KnownHostsFile { get; }

    public string HostSpec => $"{User}@127.0.0.1:{Port}";

    public List<string> Log { get; } = [];

    /// <summary>How many logins this server accepted so far (from its log).</summary>
    public int AcceptedLogins
    {
        get
        {
            // sshd's log is read in the background: wait (bounded) until the count stops growing.
            var count = CountAcceptedLogins();
            var stableSince = DateTime.UtcNow;
            var deadline = DateTime.UtcNow.AddSeconds(3);
            while (DateTime.UtcNow < deadline && DateTime.UtcNow - stableSince < TimeSpan.FromMilliseconds(500))
            {
                Thread.Sleep(50);
                var now = CountAcceptedLogins();
                if (now != count)
                {
                    count = now;
                    stableSince = DateTime.UtcNow;
                }
            }

            return count;
        }
    }

    private int CountAcceptedLogins()
    {
        lock (Log)
        {
            return Log.Count(line => line.Contains("Accepted publickey for", StringComparison.Ordinal));
        }
    }

    public static SshServer Start() => new(TestUser, "/bin/sh");

    /// <summary>A server that also accepts password logins, for a (root-made) user of its own with this password.</summary>
    public static SshServer StartWithPassword(string user, string password) => new(user, "/bin/sh", password);

    /// <summary>A server whose (root-made) deploy user has another login shell; the caller sets up its rc files.</summary>
    public static SshServer StartWithLoginShell(string user, string loginShell) => new(user, loginShell);

    /// <summary>A server (started as root) whose logins see its own <see cref="Disk"/> at <paramref name="commonPath"/> (and <paramref name="sessionPath"/> as PATH, when given).</summary>
    public static SshServer StartWithOwnDisk(string commonPath, string? sessionPath = null) => new(TestUser, "/bin/sh", ownDiskAt: commonPath, sessionPath: sessionPath);

    /// <summary>A server whose sessions get <paramref name="sessionPath"/> as their PATH (sshd_config SetEnv), e.g. one without a tool (<see cref="PathWithout"/>).</summary>
    public static SshServer StartWithPath(string sessionPath) => new(TestUser, "/bin/sh", sessionPath: sessionPath);

    /// <summary>A server that allows only <paramref name="maxSessions"/> sessions (channels) per connection (sshd_config MaxSessions).</summary>
    public static SshServer StartWithMaxSessions(int maxSessions) => new(TestUser, "/bin/sh", maxSessions: maxSessions);

    /// <summary>A server with an ed25519 host key and one of each of <paramref name="types"/> (ssh-keygen -t names: rsa, ecdsa).</summary>
    public static SshServer StartWithHostKeys(params string[] types) => new(TestUser, "/bin/sh", extraHostKeyTypes: types);

    /// <summary>The SHA256 fingerprint of this server's host key of ssh-keygen type <paramref name="type"/> (ed25519, rsa, ecdsa).</summary>
    public string HostKeyFingerprint(string type) =>
        ProcessRunner.Check("ssh-keygen", "-l", "-E", "sha256", "-f", (type == "ed25519" ? HostKeyFile : _folder.Combine("host_" + type)) + ".pub").Split(' ')[1];

    /// <summary>A server (started as root) listening only inside <paramref name="network"/>; <paramref name="forwarding"/> lets it forward connections (a jump host).</summary>
    public static SshServer StartInside(HiddenNetwork network, bool forwarding, string? ownDiskAt = null) => new(TestUser, "/bin/sh", ownDiskAt: ownDiskAt, network: network, forwarding: forwarding);

    /// <summary>Lets the client key of <paramref name="other"/> log in here too (a fleet deploys with one key).</summary>
    public void Authorize(SshServer other) =>
        Authorize(other.ClientKeyFile + ".pub");

    /// <summary>Lets the key whose public half is in <paramref name="publicKeyFile"/> log in too.</summary>
    public void Authorize(string publicKeyFile)
    {
        lock (Log)
        {
            File.AppendAllText(_folder.Combine("authorized_keys"), File.ReadAllText(publicKeyFile).TrimEnd() + "\n");
        }
    }

    /// <summary>A fresh folder the deploy user owns, to deploy into.</summary>
    public string NewDeployFolder()
    {
        var folder = _folder.Combine("srv-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        GiveToUser(folder);
        return folder + "/app";
    }

    /// <summary>Makes a path belong to the deploy user (when the tests run as root).</summary>
    public void GiveToUser(string path)
    {
        if (IsRoot)
        {
            ProcessRunner.Check("chown", "-R", $"{User}:", path);
        }
    }

    /// <summary>Runs a command as the deploy user (for a test's own setup on the server).</summary>
    public void RunAsUser(string script)
    {
        var result = IsRoot
            ? ProcessRunner.Run("runuser", ["-u", User, "--", "sh", "-c", script])
            : ProcessRunner.Run("sh", ["-c", script]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{script}' failed: {result.All}");
        }
    }

    public void Dispose() => Loopback.Stop(_process, _folder);

    private static string EnsureTestUser(string user, string loginShell)
    {
        if (ProcessRunner.Run("id", ["-u", user]).ExitCode != 0)
        {
            var add = ProcessRunner.Run("useradd", ["--create-home", "--shell", loginShell, user]);
            if (add.ExitCode != 0 && ProcessRunner.Run("id", ["-u", user]).ExitCode != 0)
            {
                throw new InvalidOperationException($"Could not create the test user {user}: {add.All}");
            }
        }

        // sshd without PAM refuses accounts whose password is locked ('!'); '*' allows key logins only.
        ProcessRunner.Check("usermod", "-p", "*", "-s", loginShell, user);
        return user;
    }
}
