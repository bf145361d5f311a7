using System.Diagnostics;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>
/// A network namespace of its own (made with <c>unshare --net</c>, only its loopback up): servers
/// started in it listen on its 127.0.0.1, which the tests' own namespace cannot reach. A port
/// can be bridged out, through a Unix socket (the file system is shared), to a port on the
/// tests' 127.0.0.1 with socat. Needs root.
/// </summary>
internal sealed class HiddenNetwork : IDisposable
{
    private readonly TempFolder _folder = new("atomicdeploy-netns-");
    private readonly Process _holder;
    private readonly List<Process> _bridges = [];

    public HiddenNetwork()
    {
        // The namespace lives as long as this process (bounded, in case a test run is killed).
        _holder = Start(["unshare", "--net", "sh", "-c", "ip link set lo up && echo up && exec sleep 900"]);
        var line = _holder.StandardOutput.ReadLine();
        if (line != "up")
        {
            throw new InvalidOperationException($"Could not make a network namespace: {_holder.StandardError.ReadToEnd()}");
        }
    }

    /// <summary>The words that run <paramref name="command"/> inside the namespace.</summary>
    public string[] Inside(params string[] command) => ["nsenter", $"--net=/proc/{_holder.Id}/ns/net", .. command];

    /// <summary>Makes the namespace's 127.0.0.1:<paramref name="insidePort"/> reachable at a port of the tests' 127.0.0.1, which it returns.</summary>
    public int Bridge(int insidePort)
    {
        var socket = Path.Combine(_folder.Path, $"bridge-{insidePort}.sock");
        var outsidePort = Loopback.FreePort();
        var inside = Start(Inside("socat", $"UNIX-LISTEN:{socket},fork", $"TCP:127.0.0.1:{insidePort}"));
        _bridges.Add(inside);
        Loopback.WaitFor(() => File.Exists(socket) || inside.HasExited, TimeSpan.FromSeconds(10), "socat to listen on the bridge's socket");
        var outside = Start(["socat", $"TCP-LISTEN:{outsidePort},bind=127.0.0.1,reuseaddr,fork", $"UNIX-CONNECT:{socket}"]);
        _bridges.Add(outside);
        Loopback.WaitUntilListening(outside, outsidePort, "socat", () => string.Empty);
        return outsidePort;
    }

    public void Dispose()
    {
        foreach (var bridge in _bridges)
        {
            Loopback.Stop(bridge, new TempFolder());
        }

        Loopback.Stop(_holder, _folder);
    }

    private static Process Start(string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }
}
