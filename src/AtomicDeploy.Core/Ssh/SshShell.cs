using System.Text;
using System.Net.Sockets;
using AtomicDeploy.Core.Remote;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// One verified, authenticated SSH connection to a server; each script runs on its own exec
/// channel of it. Host keys are checked by <see cref="HostKeyCheck"/> before anything is sent.
/// </summary>
public sealed class SshShell : IRemoteShell
{
    private const string OutputMarker = "<<atomicdeploy-output>>";
    private static readonly byte[] OutputMarkerBytes = Encoding.UTF8.GetBytes(OutputMarker);

    private readonly SshClient _client;
    private readonly JumpRoute _route;
    private readonly StepChannels _channels;

    /// <summary>The commands <see cref="Start"/> started (the deploy lock's): disposed once the connection is gone.</summary>
    private readonly System.Collections.Concurrent.ConcurrentBag<SshCommand> _started = [];

    private SshShell(SshClient client, string name, JumpRoute route)
    {
        _client = client;
        Name = name;
        _route = route;
        _channels = new StepChannels(client, ScriptOnInputCommand);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The cipher the client encrypts with, as negotiated with the server.</summary>
    internal string Cipher => _client.ConnectionInfo.CurrentClientEncryption ?? string.Empty;

    /// <summary>Connects, verifies the host key and authenticates, or throws a coded error.</summary>
    public static SshShell Connect(SshSettings settings, Func<string, string?> environment, string homeFolder, CancellationToken cancellationToken)
    {
        var credentials = SshCredentials.Build(settings, environment, homeFolder);
        var route = JumpRoute.Open(settings, environment, homeFolder, cancellationToken);
        try
        {
            var check = new HostKeyCheck(settings.HostKeyAlias is { } alias ? settings.Host with { Host = alias, Port = 22 } : settings.Host, settings.KnownHostsFile, settings.PinnedFingerprints, settings.Policy);
            var attempts = check.AlgorithmAttempts(NewConnectionInfo(settings, credentials, route).HostKeyAlgorithms.Keys);
            for (var i = 0; ; i++)
            {
                check.BeginAttempt();
                try
                {
                    return Connect(settings, credentials, route, check, attempts[i], cancellationToken);
                }
                catch (DeployException e) when (check.PinMissed || HostKeyTypeMissing(e))
                {
                    // A pinned key of another type may be what the server also has: ask for that type
                    // next. After the last type, the keys it showed and none pinned are the verdict.
                    if (i + 1 == attempts.Count)
                    {
                        if (check.PinRefusal is { } refusal)
                        {
                            throw new DeployException(refusal.Code, refusal.Message, e);
                        }

                        throw;
                    }
                }
            }
        }
        catch
        {
            route.Dispose();
            throw;
        }
    }

    private static ConnectionInfo NewConnectionInfo(SshSettings settings, SshCredentials credentials, JumpRoute route)
    {
        var info = new ConnectionInfo(route.Address, route.Port, settings.Host.User, credentials.Methods.ToArray()) { Timeout = settings.ConnectTimeout };
        PreferAesGcm(info);
        return info;
    }

    /// <summary>
    /// Offers the AES-GCM ciphers first, before SSH.NET's own first choice, AES-CTR with a separate
    /// MAC: GCM authenticates as it encrypts, on the processor's AES instructions, and costs the
    /// client about half the CPU time per byte sent (every byte of an upload, once per host). Every
    /// other cipher is still offered, in SSH.NET's order, for servers without GCM.
    /// </summary>
    internal static void PreferAesGcm(ConnectionInfo info)
    {
        var ciphers = info.Encryptions.ToArray();
        info.Encryptions.Clear();
        foreach (var (name, cipher) in ciphers.Where(c => IsAesGcm(c.Key)).Concat(ciphers.Where(c => !IsAesGcm(c.Key))))
        {
            info.Encryptions.Add(name, cipher);
        }

        static bool IsAesGcm(string name) => name.StartsWith("aes", StringComparison.Ordinal) && name.EndsWith("-gcm@openssh.com", StringComparison.Ordinal);
    }

    /// <summary>The server has no key of the types offered in this attempt (it never showed a key).</summary>
    private static bool HostKeyTypeMissing(DeployException e) =>
        e.InnerException is SshConnectionException { DisconnectReason: Renci.SshNet.Messages.Transport.DisconnectReason.KeyExchangeFailed } inner
        && inner.Message.StartsWith("No matching host key algorithm", StringComparison.Ordinal);

    private static SshShell Connect(SshSettings settings, SshCredentials credentials, JumpRoute route, HostKeyCheck check, IReadOnlyList<string> hostKeyAlgorithms, CancellationToken cancellationToken)
    {
        var info = NewConnectionInfo(settings, credentials, route);
        var algorithms = info.HostKeyAlgorithms.ToArray();
        info.HostKeyAlgorithms.Clear();
        foreach (var name in hostKeyAlgorithms)
        {
            info.HostKeyAlgorithms.Add(name, algorithms.First(a => a.Key == name).Value);
        }

        var client = new SshClient(info) { KeepAliveInterval = settings.KeepAliveInterval };
        var keySeen = false;
        client.HostKeyReceived += (_, e) =>
        {
            keySeen = true;
            e.CanTrust = check.Trust(e.HostKey);
        };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.ConnectTimeout);
            client.ConnectAsync(timeout.Token).GetAwaiter().GetResult();
            return new SshShell(client, settings.Host.ToString(), route);
        }
        catch (Exception e) when (check.Refusal is not null)
        {
            client.Dispose();
            throw new DeployException(check.Refusal.Code, check.Refusal.Message, e);
        }
        catch (DeployException)
        {
            // The ssh-agent refused to sign: already coded.
            client.Dispose();
            throw;
        }
        catch (SshAuthenticationException e)
        {
            client.Dispose();
            throw credentials.Refused(settings.Host.ToString(), e);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new DeployException(ErrorCodes.Cancelled, "The deploy was cancelled while connecting.", e);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
        {
            client.Dispose();
            throw UnresolvedHost.Error(settings, e);
        }
        catch (Exception e) when (e is SocketException or SshException or OperationCanceledException or TimeoutException or IOException)
        {
            client.Dispose();
            throw new DeployException(ErrorCodes.Unreachable,
                $"Cannot connect to {settings.Host}{route.Through} within {settings.ConnectTimeout.TotalSeconds:0} s ({e.GetType().Name}: {ServerText.ForLog(e.Message)}). Check the host name, the port and that sshd runs there.",
                ConnectFailure.MayPass(e, keySeen) ? ConnectFailure.Passing(e) : e);
        }
    }

    /// <inheritdoc />
    public ShellResult Run(string script, Action<Stream>? writeInput, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var timedOut = false;
        try
        {
            var (command, execution) = _channels.Take(timeout, cancellationToken);
            using var disposeCommand = command;
            using var timer = new CancellationTokenSource(timeout);
            using var onTimeout = timer.Token.Register(() =>
            {
                timedOut = true;
                command.CancelAsync();
            });

            // The script goes first on the input (ScriptOnInput), then the step's own input. A command
            // fed with input is cancelled through its input (checked at every write), so it always
            // ends before the clean-up runs; the others are stopped by a signal.
            using var onCancel = writeInput is null ? cancellationToken.Register(() => command.CancelAsync()) : default;
            try
            {
                using var input = command.CreateInputStream();
                using var buffered = new BufferedStream(new StopWhenEnded(input, execution, cancellationToken), 1 << 17);
                ScriptOnInput.Write(buffered, $"printf '%s' '{OutputMarker}'\n{script}");
                writeInput?.Invoke(buffered);
            }
            catch (OperationCanceledException)
            {
                // The input is closed unfinished: the script fails on it and ends.
                Ended(execution, TimeSpan.FromSeconds(30));
                throw;
            }
            catch (Exception e) when (e is SshException or ObjectDisposedException or IOException or InvalidOperationException && Ended(execution))
            {
                // The script ended before reading all its input; its exit code and error say why.
            }
            catch (DeployException)
            {
                // The writer failed (its input is now closed, unfinished): let the script fail
                // and end before anything else runs on the server.
                Ended(execution, TimeSpan.FromSeconds(30));
                throw;
            }

            execution.GetAwaiter().GetResult();
            return ScriptRefusal.ThrowIfRefused(new ShellResult(command.ExitStatus ?? -1, OutputAfterMarker(command.OutputStream), command.Error));
        }
        catch (OperationCanceledException e) when (!timedOut || cancellationToken.IsCancellationRequested)
        {
            throw new DeployException(ErrorCodes.Cancelled, "The deploy was cancelled.", e);
        }
        catch (Exception e) when (SessionLimit.IsRefusedChannel(e))
        {
            throw SessionLimit.TooFewSessions(Name, e);
        }
        catch (Exception e) when (e is SshOperationTimeoutException or TimeoutException or OperationCanceledException)
        {
            throw new DeployException(ErrorCodes.RemoteTimeout, $"A step did not finish within {timeout.TotalSeconds:0} s on {Name}. Raise AtomicDeployCommandTimeout if it needs longer.", e);
        }
        catch (Exception e) when (e is SshConnectionException or SocketException or IOException || (e is ObjectDisposedException && !_client.IsConnected))
        {
            throw new DeployException(ErrorCodes.ConnectionLost, $"The connection to {Name} was lost during a step ({e.GetType().Name}). Nothing was switched unless the log says so; deploy again.", e);
        }
    }

    /// <inheritdoc />
    public RemoteProcess Start(string script)
    {
        var command = _client.CreateCommand(Command($"printf '%s\\n' '{OutputMarker}'\n{script}"));
        command.CommandTimeout = Timeout.InfiniteTimeSpan;
        try
        {
            var execution = command.ExecuteAsync(CancellationToken.None);
            LeftToTheClose.IgnoreItsEnd(execution);
            var input = command.CreateInputStream();
            _started.Add(command);
            // Its end is not waited for: closing the input ends it on the server, and waiting for the
            // answer (or closing the channel before it came) would cost the deploy a round trip. A
            // channel still open then goes with the connection (see Dispose).
            return new RemoteProcess(command.OutputStream, OutputMarker, () => CloseInput(input), null, () =>
            {
                if (execution.IsCompleted)
                {
                    command.Dispose();
                }
            });
        }
        catch (Exception e) when (SessionLimit.IsRefusedChannel(e))
        {
            command.Dispose();
            throw SessionLimit.TooFewSessions(Name, e);
        }
        catch (Exception e) when (e is SshConnectionException or SocketException or IOException or SshException || (e is ObjectDisposedException && !_client.IsConnected))
        {
            command.Dispose();
            throw new DeployException(ErrorCodes.ConnectionLost, $"The connection to {Name} was lost ({e.GetType().Name}). Nothing was changed; deploy again.", e);
        }
    }

    /// <summary>
    /// Closes the connection, then what is left on it: the channel opened ahead and the commands
    /// started beside the steps. Closed while connected, each would wait a round trip for the
    /// server's answer (per host, one after the other); closed after, none waits, and each ends
    /// its output, so the thread reading it ends too.
    /// </summary>
    public void Dispose()
    {
        _client.Dispose();
        _channels.Dispose();
        foreach (var command in _started)
        {
            LeftToTheClose.Dispose(command);
        }

        _route.Dispose();
    }

    /// <summary>Forwards a port on 127.0.0.1 (one the system picks) to <paramref name="host"/>:<paramref name="port"/> as this server reaches it: the way to the next hop.</summary>
    internal ForwardedPortLocal Forward(string host, int port)
    {
        var forward = new ForwardedPortLocal("127.0.0.1", 0, host, (uint)port);
        _client.AddForwardedPort(forward);
        forward.Start();
        return forward;
    }

    /// <summary>
    /// What an ended command printed after the marker (all it printed when there is no marker),
    /// decoded once. <c>SshCommand.Result</c> copies an output four times (its reader's builder and
    /// string, its own builder and string) and cutting the marker off made a fifth: for a
    /// 50,000-file release's listing (2 MB) that was over 20 MB of short-lived strings, at the
    /// deploy's peak of memory.
    /// </summary>
    private static string OutputAfterMarker(Stream output)
    {
        var bytes = new byte[output.Length];
        var read = output.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        var text = bytes.AsSpan(0, read);
        var marker = text.IndexOf(OutputMarkerBytes);
        return Encoding.UTF8.GetString(marker < 0 ? text : text[(marker + OutputMarkerBytes.Length)..]);
    }

    /// <summary>SSH.NET sends the end of the input only after some data: one newline, which the script ignores.</summary>
    private static void CloseInput(Stream input)
    {
        input.WriteByte((byte)'\n');
        input.Dispose();
    }

    /// <summary>
    /// The deploy user's login shell gets one line of plain words whatever it is (sh, bash, zsh,
    /// fish, csh): it starts /bin/sh, which decodes and runs the script. The script first prints
    /// a marker, so anything a login file printed before it is cut off. Only for the small fixed
    /// scripts that <see cref="Start"/> leaves running (their input is theirs to watch).
    /// </summary>
    private static string Command(string script) =>
        $"exec /bin/sh -c 'eval \"$(echo {Convert.ToBase64String(Encoding.UTF8.GetBytes(script))} | base64 -d)\"'";

    /// <summary>
    /// The one line a step's command is, whatever its script: /bin/sh reads the script from the
    /// channel's input (<see cref="ScriptOnInput"/>), so its size is not bounded by a packet.
    /// </summary>
    private const string ScriptOnInputCommand = "exec /bin/sh -c '" + ScriptOnInput.Command + "'";

    private static bool Ended(Task execution) => Ended(execution, TimeSpan.FromSeconds(5));

    private static bool Ended(Task execution, TimeSpan wait)
    {
        try
        {
            return execution.Wait(wait);
        }
        catch (AggregateException)
        {
            return true;
        }
    }
}
