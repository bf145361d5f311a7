using Renci.SshNet;

namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// The exec channels a connection's steps run on, each opened one step ahead: while a step runs,
/// the next step's channel is opened and its fixed command started (it waits for its script on
/// the input), so a step costs the round trip of its script and answer, not also the two of a
/// channel's open and exec request. A server that refuses the extra session (sshd's
/// <c>MaxSessions</c> at 2) gets no channel ahead again; its steps open their own as before.
/// </summary>
internal sealed class StepChannels(SshClient client, string commandText) : IDisposable
{
    private readonly object _gate = new();
    private Task<StepChannel>? _next;
    private bool _noneAhead;
    private bool _disposed;

    /// <summary>
    /// The channel for the step starting now: the one opened ahead when it is still open, else a
    /// new one; then opens the channel of the step after it. Throws what SSH.NET throws on open.
    /// </summary>
    public StepChannel Take(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task<StepChannel>? ahead;
        lock (_gate)
        {
            ahead = _next;
            _next = null;
        }

        var channel = ahead is null ? null : Ready(ahead, timeout, cancellationToken);
        channel ??= StepChannel.Open(client, commandText);
        OpenNext();
        return channel;
    }

    private static StepChannel? Ready(Task<StepChannel> ahead, TimeSpan timeout, CancellationToken cancellationToken)
    {
        bool done;
        try
        {
            done = ahead.Wait(timeout, cancellationToken);
        }
        catch (AggregateException)
        {
            done = true;
        }

        if (!done)
        {
            throw new TimeoutException($"The server did not open a channel within {timeout.TotalSeconds:0} s.");
        }

        if (ahead.IsFaulted)
        {
            var error = ahead.Exception!.GetBaseException();
            if (SessionLimit.IsRefusedChannel(error))
            {
                // Two sessions are all the server allows: this step opens its own, as every later one.
                return null;
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        }

        var channel = ahead.Result;
        if (!channel.Execution.IsCompleted)
        {
            return channel;
        }

        // The server closed it while it waited (it has nothing to run yet): open a fresh one.
        channel.Command.Dispose();
        return null;
    }

    private void OpenNext()
    {
        var opened = new TaskCompletionSource<StepChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_noneAhead || _disposed)
            {
                return;
            }

            _next = opened.Task;
        }

        // A thread of its own: opening blocks for a round trip, and a fresh build process has as
        // many thread-pool threads as cores, which the hosts of a fleet would queue behind.
        new Thread(() =>
        {
            try
            {
                opened.SetResult(StepChannel.Open(client, commandText));
            }
            catch (Exception e)
            {
                if (SessionLimit.IsRefusedChannel(e))
                {
                    lock (_gate)
                    {
                        _noneAhead = true;
                    }
                }

                opened.SetException(e);
            }
        }) { IsBackground = true, Name = "AtomicDeploy next step channel" }.Start();
    }

    /// <summary>
    /// Opens no more channels and disposes the one opened ahead, unused: its command ends on the
    /// server without having read a script. Called once the connection is closed (see
    /// <see cref="SshShell.Dispose"/>): closed before, it would wait a round trip for the server's answer.
    /// </summary>
    public void Dispose()
    {
        Task<StepChannel>? ahead;
        lock (_gate)
        {
            _disposed = true;
            ahead = _next;
            _next = null;
        }

        // One still opening ended with the connection.
        if (ahead is { IsCompletedSuccessfully: true })
        {
            LeftToTheClose.Dispose(ahead.Result.Command);
        }
    }
}

/// <summary>A command left running until its connection closes (the channel opened ahead, the deploy lock's).</summary>
internal static class LeftToTheClose
{
    /// <summary>Observes the error a closed connection ends <paramref name="execution"/> with: nothing needs it.</summary>
    public static void IgnoreItsEnd(Task execution) =>
        execution.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Disposes <paramref name="command"/> once its connection is closed: then it waits for no answer from the server.</summary>
    public static void Dispose(SshCommand command)
    {
        try
        {
            command.Dispose();
        }
        catch (Exception e) when (e is ObjectDisposedException or Renci.SshNet.Common.SshException or InvalidOperationException)
        {
            // Already ended with the connection.
        }
    }
}

/// <summary>An exec channel whose command (the fixed step command) runs and waits for its script.</summary>
internal sealed record StepChannel(SshCommand Command, Task Execution)
{
    /// <summary>Opens a channel and starts <paramref name="commandText"/> on it: two round trips.</summary>
    public static StepChannel Open(SshClient client, string commandText)
    {
        var command = client.CreateCommand(commandText);
        command.CommandTimeout = Timeout.InfiniteTimeSpan;
        try
        {
            var execution = command.ExecuteAsync(CancellationToken.None);
            LeftToTheClose.IgnoreItsEnd(execution);
            return new StepChannel(command, execution);
        }
        catch
        {
            command.Dispose();
            throw;
        }
    }
}
