using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>The servers the tests start on 127.0.0.1: a free port, waiting until one listens, stopping it.</summary>
internal static class Loopback
{
    /// <summary>A port on 127.0.0.1 that is free now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits (at most 15 s) until <paramref name="process"/> accepts connections on <paramref name="port"/>; <paramref name="log"/> explains a failure.</summary>
    public static void WaitUntilListening(Process process, int port, string name, Func<string> log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {process.ExitCode}: {log()}");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new TimeoutException($"{name} did not listen on 127.0.0.1:{port}: {log()}");
    }

    /// <summary>Waits (bounded by <paramref name="limit"/>) until <paramref name="condition"/> holds, for a server that cannot be probed on a port from here.</summary>
    public static void WaitFor(Func<bool> condition, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0} s for {what}.");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>Stops <paramref name="process"/> (and its children) and removes its <paramref name="folder"/>.</summary>
    public static void Stop(Process process, IDisposable folder)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        finally
        {
            process.Dispose();
            folder.Dispose();
        }
    }
}
