using System.Diagnostics;

namespace AtomicDeploy.Core.Remote;

/// <summary>The local target: the same scripts, run by <c>/bin/sh</c> on this machine.</summary>
public sealed class LocalShell : IRemoteShell
{
    /// <inheritdoc />
    public string Name => "this machine";

    private bool _toolsChecked;

    /// <inheritdoc />
    public ShellResult Run(string script, Action<Stream>? writeInput, TimeSpan timeout, CancellationToken cancellationToken)
    {
        EnsureGnuTools(cancellationToken);
        return ScriptRefusal.ThrowIfRefused(RunScript(script, writeInput, timeout, cancellationToken));
    }

    /// <summary>Refuses, once, a system without the GNU tools the scripts use (<see cref="GnuToolsProbe"/>).</summary>
    private void EnsureGnuTools(CancellationToken cancellationToken)
    {
        if (_toolsChecked)
        {
            return;
        }

        var refusal = GnuToolsProbe.Decide(RunScript(GnuToolsProbe.Script, null, TimeSpan.FromSeconds(30), cancellationToken));
        if (refusal is not null)
        {
            throw refusal;
        }

        _toolsChecked = true;
    }

    private static ShellResult RunScript(string script, Action<Stream>? writeInput, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var process = Process.Start(ShellStart(ScriptOnInput.Command))
            ?? throw new DeployException(ErrorCodes.RemoteFailed, "Could not start /bin/sh for the local target.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            using (var input = new BufferedStream(new StopWhenEnded(process.StandardInput.BaseStream, process.WaitForExitAsync(CancellationToken.None), cancellationToken), 1 << 16))
            {
                ScriptOnInput.Write(input, script);
                writeInput?.Invoke(input);
            }
        }
        catch (OperationCanceledException)
        {
            // Cancelled mid-input: the script sees its input end unfinished and fails; it must be
            // gone before the clean-up removes what it was writing.
            process.WaitForExit(TimeSpan.FromSeconds(30));
            throw new DeployException(ErrorCodes.Cancelled, "The deploy was cancelled.");
        }
        catch (IOException) when (process.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            // The script ended before reading all its input; its exit code and error say why.
        }
        catch (DeployException)
        {
            // The writer failed (its input is now closed, unfinished): let the script end first.
            process.WaitForExit(TimeSpan.FromSeconds(30));
            throw;
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            process.WaitForExitAsync(timeoutSource.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw cancellationToken.IsCancellationRequested
                ? new DeployException(ErrorCodes.Cancelled, "The deploy was cancelled.")
                : new DeployException(ErrorCodes.RemoteTimeout, $"A step did not finish within {timeout.TotalSeconds:0} s on this machine. Raise AtomicDeployCommandTimeout if it needs longer.");
        }

        return new ShellResult(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    private static ProcessStartInfo ShellStart(string script)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        return start;
    }

    /// <inheritdoc />
    public RemoteProcess Start(string script)
    {
        EnsureGnuTools(CancellationToken.None);

        // The script's input is a pipe from this process: if the build is killed, the pipe closes
        // and the script ends, as it does on a server when the SSH connection dies.
        var process = Process.Start(ShellStart(script))
            ?? throw new DeployException(ErrorCodes.RemoteFailed, "Could not start /bin/sh for the local target.");
        _ = process.StandardError.ReadToEndAsync();
        return new RemoteProcess(process.StandardOutput.BaseStream, null, process.StandardInput.Close, process.WaitForExit, process.Dispose);
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
