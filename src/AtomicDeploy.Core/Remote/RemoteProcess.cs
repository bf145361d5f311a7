using System.Collections.Concurrent;
using System.Text;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// A script that keeps running beside the steps of a deploy (the deploy lock's holder), started by
/// <see cref="IRemoteShell.Start"/>. Its output is read line by line as it comes; disposing it
/// closes its standard input, which is how the script learns to end.
/// </summary>
public sealed class RemoteProcess : IDisposable
{
    private readonly BlockingCollection<string> _lines = new();
    private readonly Action _closeInput;
    private readonly Func<TimeSpan, bool>? _waitForExit;
    private readonly Action _release;
    private readonly Task _reader;
    private bool _disposed;

    /// <param name="output">The script's standard output, read until it ends.</param>
    /// <param name="skipUntil">Lines up to and including the one ending with this are dropped (what a login file printed).</param>
    /// <param name="closeInput">Closes the script's standard input.</param>
    /// <param name="waitForExit">
    /// Waits at most the given time for the script to end; true when it has. Null: its end is not
    /// waited for (over SSH that is a round trip, and the script ends on the server all the same
    /// when its input does; see <see cref="DeployLock"/> for the next holder).
    /// </param>
    /// <param name="release">Frees what the process holds on this side.</param>
    public RemoteProcess(Stream output, string? skipUntil, Action closeInput, Func<TimeSpan, bool>? waitForExit, Action release)
    {
        _closeInput = closeInput;
        _waitForExit = waitForExit;
        _release = release;
        // A thread of its own, not the thread pool's: the read blocks for the whole deploy, and a
        // fresh build process has as many pool threads as cores, so the lock holders of a fleet
        // would take them all and SSH.NET's own continuations would queue behind them (the pool
        // adds a thread only about every half second).
        _reader = Task.Factory.StartNew(() => Read(output, skipUntil), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>True once the script's output has ended: the script, or the connection, is gone.</summary>
    public bool HasEnded => _reader.IsCompleted && _lines.Count == 0;

    /// <summary>
    /// The next line the script prints, or null when its output ended first. Throws a coded
    /// timeout when nothing came within <paramref name="wait"/>.
    /// </summary>
    public string? ReadLine(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            if (_lines.TryTake(out var line, (int)Math.Min(int.MaxValue, wait.TotalMilliseconds), cancellationToken))
            {
                return line;
            }
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        catch (OperationCanceledException e)
        {
            throw new DeployException(ErrorCodes.Cancelled, "The deploy was cancelled.", e);
        }

        return _lines.IsCompleted ? null : throw new DeployException(ErrorCodes.RemoteTimeout, $"A command on the server printed nothing for {wait.TotalSeconds:0} s.");
    }

    /// <summary>
    /// Closes the script's input, which ends it; unless made without a wait, waits (bounded) for that
    /// end, so what it held is free when this returns.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _closeInput();
            // On a live connection this takes milliseconds; on a dead or stalled one, waiting longer brings nothing.
            if (_waitForExit?.Invoke(TimeSpan.FromSeconds(5)) == true)
            {
                _reader.Wait(TimeSpan.FromSeconds(1));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or AggregateException or Renci.SshNet.Common.SshException)
        {
            // The connection is already gone, and with it the script.
        }
        finally
        {
            _release();
        }
    }

    private void Read(Stream output, string? skipUntil)
    {
        try
        {
            using var reader = new StreamReader(output, Encoding.UTF8);
            var skipping = skipUntil is not null;
            while (reader.ReadLine() is { } line)
            {
                if (skipping)
                {
                    skipping = !line.EndsWith(skipUntil!, StringComparison.Ordinal);
                    continue;
                }

                _lines.Add(line);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or Renci.SshNet.Common.SshException)
        {
            // A lost connection ends the output like the script's end does.
        }
        finally
        {
            _lines.CompleteAdding();
        }
    }
}
