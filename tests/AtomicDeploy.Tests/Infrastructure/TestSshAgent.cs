using System.Diagnostics;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>A real OpenSSH <c>ssh-agent</c> on a socket in a temp folder, fed with keys by <c>ssh-add</c>.</summary>
internal sealed class TestSshAgent : IDisposable
{
    private readonly TempFolder _folder = new("atomicdeploy-agent-");
    private readonly Process _process;

    public TestSshAgent()
    {
        Socket = _folder.Combine("agent.sock");
        var start = new ProcessStartInfo("ssh-agent") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-D", "-a", Socket })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        // The socket file exists from bind(), before the agent listens: wait until it answers
        // (ssh-add -l: 0 keys listed, 1 none held; 2 is no agent there yet).
        Wait.Until(() => _process.HasExited || (File.Exists(Socket) && ProcessRunner.Run("ssh-add", ["-l"], environment: new Dictionary<string, string?> { ["SSH_AUTH_SOCK"] = Socket }).ExitCode is 0 or 1), TimeSpan.FromSeconds(10), "ssh-agent to answer on its socket");
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"ssh-agent ended: {_process.StandardError.ReadToEnd()}");
        }
    }

    /// <summary>The agent's socket, as <c>SSH_AUTH_SOCK</c> names it.</summary>
    public string Socket { get; }

    /// <summary>Adds a private key file to the agent with <c>ssh-add</c> (<paramref name="confirm"/>: <c>-c</c>, each use needs a confirmation, which no one here can give).</summary>
    public void Add(string keyFile, bool confirm = false)
    {
        var result = ProcessRunner.Run("ssh-add", confirm ? ["-c", keyFile] : [keyFile], environment: new Dictionary<string, string?> { ["SSH_AUTH_SOCK"] = Socket, ["SSH_ASKPASS"] = "/bin/false", ["DISPLAY"] = null });
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ssh-add {keyFile} failed: {result.All}");
        }
    }

    /// <summary>Makes a new key pair of <paramref name="type"/> in the agent's folder and returns its private key file.</summary>
    public string NewKey(string type, string bits)
    {
        var key = _folder.Combine($"id_{type}_{Guid.NewGuid():N}");
        ProcessRunner.Check("ssh-keygen", "-q", "-t", type, "-b", bits, "-N", "", "-C", $"agent-{type}", "-f", key);
        return key;
    }

    public void Dispose() => Loopback.Stop(_process, _folder);
}
