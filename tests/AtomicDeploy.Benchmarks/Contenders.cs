using System.Diagnostics;
using AtomicDeploy.Core.Ssh;
using AtomicDeploy.Tests.Infrastructure;

namespace AtomicDeploy.Benchmarks;

/// <summary>A way to deploy a folder to the server through the shaped link, timed from the first byte of the connection to the switch.</summary>
internal abstract class Contender(SshServer server, int port, string knownHosts)
{
    private string? _root;

    public abstract string Name { get; }

    protected SshServer Server => server;

    protected int Port => port;

    protected string KnownHosts => knownHosts;

    protected string Root => _root ?? throw new InvalidOperationException("Reset first.");

    /// <summary>Starts over in a fresh, empty deploy folder (the old one is deleted).</summary>
    public virtual void Reset()
    {
        if (_root is not null)
        {
            Directory.Delete(Path.GetDirectoryName(_root)!, recursive: true);
        }

        _root = server.NewDeployFolder();
    }

    /// <summary>Deploys <paramref name="source"/> with a fresh connection and returns how long it took.</summary>
    public virtual TimeSpan Deploy(string source)
    {
        var clock = Stopwatch.StartNew();
        DeployOnce(source);
        return clock.Elapsed;
    }

    protected abstract void DeployOnce(string source);
}

/// <summary>AtomicDeploy's engine, the five steps the MSBuild tasks run, over SSH.NET.</summary>
internal sealed class EngineContender(SshServer server, int port, string knownHosts) : Contender(server, port, knownHosts)
{
    public override string Name => "AtomicDeploy";

    /// <summary>Print when each step ended (for a quick look at where the time goes).</summary>
    public bool ShowSteps { get; init; }

    protected override void DeployOnce(string source)
    {
        var settings = EngineDeploy.Settings(Server.User, Port, KnownHosts, Server.ClientKeyFile);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var steps = new List<string>();
        var shell = SshShell.Connect(settings, _ => null, "/nonexistent-home", CancellationToken.None);
        steps.Add($"connect {clock.ElapsedMilliseconds} ms");
        EngineDeploy.Deploy(shell, Root, source, keep: 3, stepDone: step => steps.Add($"{step} {clock.ElapsedMilliseconds} ms"));
        if (ShowSteps)
        {
            Console.WriteLine("    AtomicDeploy steps (cumulative): " + string.Join(", ", steps));
        }
    }
}

/// <summary>
/// The script users would write instead: <c>rsync -az --delete --link-dest=../&lt;previous&gt;</c> into a
/// new release folder, then a second ssh for <c>ln -s</c> and <c>mv -T</c>. It is given every
/// advantage: it knows the previous release without asking, and <c>releases/</c> already exists.
/// </summary>
internal sealed class RsyncContender(SshServer server, int port, string knownHosts) : Contender(server, port, knownHosts)
{
    private string? _previous;
    private int _count;

    public override string Name => "rsync script";

    public override void Reset()
    {
        base.Reset();
        _previous = null;
        Server.RunAsUser($"mkdir -p '{Root}/releases'");
    }

    protected override void DeployOnce(string source)
    {
        var release = $"r{++_count:0000}";
        string[] ssh = ["ssh", "-F", "/dev/null", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", Server.ClientKeyFile, "-o", "UserKnownHostsFile=" + KnownHosts, "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes"];
        var arguments = new List<string> { "-az", "--delete" };
        if (_previous is not null)
        {
            arguments.Add($"--link-dest=../{_previous}");
        }

        arguments.AddRange(["-e", string.Join(' ', ssh), source.TrimEnd('/') + "/", $"{Server.User}@127.0.0.1:{Root}/releases/{release}/"]);
        Check(ProcessRunner.Run("rsync", arguments));
        Check(ProcessRunner.Run(ssh[0], [.. ssh[1..], $"{Server.User}@127.0.0.1", $"cd '{Root}' && ln -s releases/{release} current.tmp && mv -T current.tmp current"]));
        _previous = release;
    }

    private static void Check(ProcessResult result)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"The rsync script failed ({result.ExitCode}): {result.All}");
        }
    }
}
