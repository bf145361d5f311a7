namespace AtomicDeploy.Core.Engine;

/// <summary>
/// Runs one step on many hosts at once, at most <c>parallelism</c> at a time, and waits for all of
/// them: a failure on one host never leaves another host's step running unseen.
/// </summary>
internal static class HostParallel
{
    /// <summary>
    /// Runs <paramref name="step"/> for every host, on at most <paramref name="parallelism"/> threads
    /// of their own; returns the hosts that failed, with their coded failure. The steps block on the
    /// network, so they do not run on the thread pool: in a fresh build process it starts with one
    /// thread per core and adds more only slowly, which would queue hosts behind each other (and
    /// SSH.NET's own continuations behind them).
    /// </summary>
    public static IReadOnlyList<(T Host, DeployException Error)> Each<T>(IReadOnlyList<T> hosts, int parallelism, Action<T> step)
    {
        var failures = new DeployException?[hosts.Count];
        if (hosts.Count == 1)
        {
            failures[0] = Catch(() => step(hosts[0]));
        }
        else
        {
            var next = -1;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo? unexpected = null;
            var workers = Enumerable.Range(0, Math.Max(1, Math.Min(parallelism, hosts.Count))).Select(_ => new Thread(() =>
            {
                for (var i = Interlocked.Increment(ref next); i < hosts.Count; i = Interlocked.Increment(ref next))
                {
                    try
                    {
                        failures[i] = Catch(() => step(hosts[i]));
                    }
                    catch (Exception e)
                    {
                        // A bug, not a host's failure: thrown on the caller's thread, as Parallel.For would.
                        Interlocked.CompareExchange(ref unexpected, System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e), null);
                    }
                }
            }) { IsBackground = true, Name = "deploy-host" }).ToArray();
            foreach (var worker in workers)
            {
                worker.Start();
            }

            foreach (var worker in workers)
            {
                worker.Join();
            }

            unexpected?.Throw();
        }

        return hosts.Select((host, i) => (host, failures[i])).Where(f => f.Item2 is not null).Select(f => (f.host, f.Item2!)).ToArray();
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
