namespace AtomicDeploy.Core.Engine;

/// <summary>
/// Runs one step on many hosts at once, at most <c>parallelism</c> at a time, and waits for all of
/// them: a failure on one host never leaves another host's step running unseen.
/// </summary>
internal static class HostParallel
{
    /// <summary>Runs <paramref name="step"/> for every host; returns the hosts that failed, with their coded failure.</summary>
    public static IReadOnlyList<(T Host, DeployException Error)> Each<T>(IReadOnlyList<T> hosts, int parallelism, Action<T> step)
    {
        var failures = new (T Host, DeployException? Error)[hosts.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Math.Min(parallelism, hosts.Count)) };
        Parallel.For(0, hosts.Count, options, i =>
        {
            failures[i] = (hosts[i], Catch(() => step(hosts[i])));
        });
        return failures.Where(f => f.Error is not null).Select(f => (f.Host, f.Error!)).ToArray();
    }

    /// <summary>
    /// Runs <paramref name="step"/> for every host at once, each on a thread of its own (never
    /// queued behind another host's step, which hosts that wait for each other need).
    /// </summary>
    public static IReadOnlyList<(T Host, DeployException Error)> Together<T>(IReadOnlyList<T> hosts, Action<T> step)
    {
        var failures = new DeployException?[hosts.Count];
        var threads = hosts.Select((host, i) => new Thread(() => failures[i] = Catch(() => step(host))) { IsBackground = true, Name = "fleet-host" }).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        return hosts.Select((host, i) => (host, failures[i])).Where(f => f.Item2 is not null).Select(f => (f.host, f.Item2!)).ToArray();
    }

    /// <summary>
    /// One error for the build from the hosts that failed: the first host's code, and every host's
    /// message, each named. <paramref name="aftermath"/> says what became of the fleet.
    /// </summary>
    public static DeployException Combine(IReadOnlyList<(string Host, DeployException Error)> failures, string aftermath)
    {
        var first = failures[0].Error;
        var messages = string.Join(" ", failures.Select(f => $"[{f.Host}] {(f.Error.Code == first.Code ? string.Empty : f.Error.Code + ": ")}{f.Error.Message}"));
        return new DeployException(first.Code, $"{messages} {aftermath}".Trim());
    }

    private static DeployException? Catch(Action step)
    {
        try
        {
            step();
            return null;
        }
        catch (DeployException e)
        {
            return e;
        }
        catch (OperationCanceledException)
        {
            return new DeployException(ErrorCodes.Cancelled, "The deploy was cancelled.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            return new DeployException(ErrorCodes.Internal, $"{e.GetType().Name}: {e.Message}");
        }
    }
}
