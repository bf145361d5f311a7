using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using AtomicDeploy.Core.Operations;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Engine;

/// <summary>
/// Two-slot mode on every host of a deploy or rollback. Phase one (<see cref="Start"/>) starts the
/// release in each host's idle slot and checks it on its port, with no traffic; phase two
/// (<see cref="Flip"/>, after the switch of <c>current</c>) points each proxy at it. Until
/// <see cref="StopOld"/> the old slots keep running, so <see cref="Undo"/> can put every proxy back.
/// </summary>
public sealed class AppSlots
{
    // The proxy reload returns once the proxy was told; its old workers may take new requests for a
    // moment more, so the old slot is stopped no sooner than this after the last reload.
    private static readonly TimeSpan Handover = TimeSpan.FromSeconds(2);

    private readonly AppSlotSettings _settings;
    private readonly string _root;
    private readonly ConcurrentDictionary<HostDeploy, Slot> _slots = new();
    private readonly Stopwatch _sinceFlip = new();

    private AppSlots(AppSlotSettings settings, string root)
    {
        _settings = settings;
        _root = root;
    }

    /// <summary>Two-slot mode for <paramref name="settings"/>, or null when it is off.</summary>
    public static AppSlots? For(DeploySettings settings) => settings.Slots is { } slots ? new AppSlots(slots, settings.Root) : null;

    /// <summary>
    /// Phase one: on every host, starts <paramref name="release"/> in the slot the proxy does not point
    /// at and requests its health path until it answers 2xx. If any host fails, every slot started here
    /// is stopped again and one error names each failed host; no proxy was touched.
    /// </summary>
    public void Start(IReadOnlyList<HostDeploy> hosts, string release, CancellationToken cancellationToken)
    {
        var failures = HostParallel.Each(hosts, int.MaxValue, h => StartOne(h, release, cancellationToken));
        if (failures.Count > 0)
        {
            Undo(hosts);
            Deployment.Fail(failures, $"No proxy was changed: the old slot keeps serving and {release} was stopped on every host.");
        }
    }

    /// <summary>The port <paramref name="host"/> runs the new release on, once started.</summary>
    public int? PortOf(HostDeploy host) => _slots.TryGetValue(host, out var slot) ? slot.Port : null;

    /// <summary>Phase two on one host: <c>upstream.conf</c> names the new slot, and the proxy reloads. Returns the failure, or null.</summary>
    public DeployException? Flip(HostDeploy host, CancellationToken cancellationToken)
    {
        var slot = _slots[host];
        slot.Flipped = true;
        var result = Run(host, SlotScripts.Flip(_root, slot.Release, slot.Port, _settings.ProxyReloadCommand, _settings.CommandTimeout), cancellationToken);
        lock (_sinceFlip)
        {
            _sinceFlip.Restart();
        }

        if (result.ExitCode != 0)
        {
            return new DeployException(ErrorCodes.ProxyReloadFailed,
                $"Pointing the proxy at slot {slot.Port} on {host.Name} failed: the proxy reload command ({_settings.ProxyReloadCommand}) exited with {result.ExitCode}: {Tail(result)} Check the command by hand as the deploy user (sudoers: docs/kestrel.md).");
        }

        host.Log.Info($"AtomicDeploy: proxy -> slot {slot.Port} ({SlotScripts.UpstreamFile} replaced, proxy reloaded) on {host.Name}.");
        return null;
    }

    /// <summary>
    /// After a failure: every proxy that was pointed at a new slot goes back to its old one (still
    /// running), then every new slot is stopped. When no slot of ours ran before (no slot link), a proxy
    /// already pointed at the new slot stays, and so does that slot (it is all there is). Never throws.
    /// </summary>
    public void Undo(IReadOnlyList<HostDeploy> hosts) => HostParallel.Each(hosts, int.MaxValue, host =>
    {
        if (!_slots.TryGetValue(host, out var slot))
        {
            return;
        }

        // No slot of ours ran before (the first deploy in two-slot mode): the new one is all there is.
        if (slot.Flipped && (slot.Live is null || slot.LiveRelease is null))
        {
            return;
        }

        if (slot.Flipped)
        {
            var back = Run(host, SlotScripts.Flip(_root, slot.LiveRelease!, slot.Live!.Value, _settings.ProxyReloadCommand, _settings.CommandTimeout), CancellationToken.None);
            lock (_sinceFlip)
            {
                _sinceFlip.Restart();
            }

            host.Log.Summary(back.ExitCode == 0
                ? $"AtomicDeploy: proxy -> slot {slot.Live} again on {host.Name} (it never stopped)."
                : $"AtomicDeploy: pointing the proxy back at slot {slot.Live} on {host.Name} failed ({Tail(back)}); {SlotScripts.UpstreamFile} names it, reload the proxy by hand.");
        }

        if (slot.Started)
        {
            // A proxy just pointed back still sends the new slot requests until its reload takes hold.
            if (slot.Flipped)
            {
                WaitForHandover(CancellationToken.None);
            }

            Stop(host, slot.Release, slot.Port, "the new slot");
            slot.Started = false;
        }
    });

    /// <summary>After a good switch: stops every host's old slot (its requests drain). A failure is a warning: the new release is live.</summary>
    public void StopOld(IReadOnlyList<HostDeploy> hosts, CancellationToken cancellationToken)
    {
        WaitForHandover(cancellationToken);
        HostParallel.Each(hosts, int.MaxValue, host =>
        {
            // Without a slot link, no slot of ours ran before (the first deploy in two-slot mode).
            if (_slots.TryGetValue(host, out var slot) && slot.Live is { } live && slot.LiveRelease is { } liveRelease)
            {
                Stop(host, liveRelease, live, "the old slot");
            }
        });
    }

    private void WaitForHandover(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_sinceFlip)
        {
            wait = Handover - _sinceFlip.Elapsed;
        }

        if (wait > TimeSpan.Zero)
        {
            cancellationToken.WaitHandle.WaitOne(wait);
        }
    }

    private void StartOne(HostDeploy host, string release, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var state = SlotState.Parse(RemoteCommand.Run(host.Shell, "read the app slots", host.Where, SlotScripts.Read(_root, _settings.Ports), null, _settings.CommandTimeout, cancellationToken).Output, _settings.Ports);
        var live = state.Live;
        var idle = _settings.IdlePort(live);
        var slot = new Slot(release, idle, live, live is { } l ? state.ReleaseOf(l) : null);
        _slots[host] = slot;
        host.AppPort = idle;
        host.PreviousAppPort = live;

        // Whatever an earlier, interrupted deploy left running in the idle slot would hold its port.
        if (state.ReleaseOf(idle) is { } leftover)
        {
            Stop(host, leftover, idle, "whatever runs in the idle slot");
        }

        RemoteCommand.Run(host.Shell, $"point slots/{idle} at releases/{release}", host.Where, SlotScripts.PointSlot(_root, idle, release), null, _settings.CommandTimeout, cancellationToken);
        host.Log.Summary($"AtomicDeploy: starting releases/{release} in slot {idle} on {host.Name}{(live is null ? string.Empty : $" (slot {live} keeps serving)")}: {_settings.StartCommand}");
        slot.Started = true;
        var started = Run(host, SlotScripts.Command(_root, release, idle, _settings.StartCommand, _settings.CommandTimeout), cancellationToken);
        if (started.ExitCode != 0)
        {
            throw new DeployException(ErrorCodes.AppStartFailed,
                $"The app start command for slot {idle} exited with {started.ExitCode} in releases/{release} on {host.Name}: {Tail(started)}");
        }

        var url = _settings.HealthUrl(idle);
        var check = host.Shell.Run(HookScripts.HealthCheck(url.AbsoluteUri, _settings.StartTimeout, "0.2"), null, _settings.StartTimeout + TimeSpan.FromSeconds(60), cancellationToken);
        var answer = check.Output.TrimEnd('\n').Split('\n')[^1];
        if (check.ExitCode == HookScripts.NoHttpClientExitCode)
        {
            throw new DeployException(ErrorCodes.HealthCheckToolMissing, $"The check of the new slot needs curl or wget on {host.Name}, and it has neither. Install one (apt-get install curl).");
        }

        if (check.ExitCode != 0 || !answer.StartsWith("healthy ", StringComparison.Ordinal))
        {
            var last = answer.StartsWith("unhealthy ", StringComparison.Ordinal) ? answer[10..] : Tail(check);
            throw new DeployException(ErrorCodes.AppSlotUnhealthy,
                $"Release {release}, started in slot {idle} on {host.Name}, did not answer 2xx at {url.AbsoluteUri} within {_settings.StartTimeout.TotalSeconds:0} s. Last response: {ServerText.ForLog(last)} It was stopped; current and the proxy did not move.");
        }

        host.Log.Summary(string.Create(CultureInfo.InvariantCulture, $"AtomicDeploy: slot {idle} on {host.Name} answered {answer[8..]} at {url.AbsoluteUri} after {clock.Elapsed.TotalSeconds:0.00} s; it gets no traffic yet."));
    }

    private void Stop(HostDeploy host, string release, int port, string what)
    {
        var result = Run(host, SlotScripts.Command(_root, release, port, _settings.StopCommand, _settings.CommandTimeout), CancellationToken.None);
        if (result.ExitCode == 0)
        {
            host.Log.Info($"AtomicDeploy: stopped {what} (port {port.ToString(CultureInfo.InvariantCulture)}) on {host.Name}.");
        }
        else
        {
            host.Log.Warning(ErrorCodes.AppStopFailed, $"Stopping {what} (port {port.ToString(CultureInfo.InvariantCulture)}) on {host.Name} failed with exit code {result.ExitCode}: {Tail(result)} Stop it by hand: {_settings.StopCommand}");
        }
    }

    private ShellResult Run(HostDeploy host, string script, CancellationToken cancellationToken)
    {
        try
        {
            var result = host.Shell.Run(script, null, _settings.CommandTimeout + TimeSpan.FromSeconds(30), cancellationToken);
            foreach (var line in (result.Output + result.Error).Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(50))
            {
                host.Log.Detail($"  [slot] {ServerText.ForLog(line)}");
            }

            return result;
        }
        catch (DeployException e) when (!cancellationToken.IsCancellationRequested)
        {
            return new ShellResult(255, string.Empty, e.Message);
        }
    }

    /// <summary>The end of a command's output as a sentence, for a message that goes on after it.</summary>
    private static string Tail(ShellResult result)
    {
        var tail = ServerText.LastLines(result.Output + result.Error);
        return tail.EndsWith('.') ? tail : tail + ".";
    }

    private sealed class Slot(string release, int port, int? live, string? liveRelease)
    {
        public string Release { get; } = release;

        public int Port { get; } = port;

        public int? Live { get; } = live;

        public string? LiveRelease { get; } = liveRelease;

        public bool Started { get; set; }

        public bool Flipped { get; set; }
    }
}
