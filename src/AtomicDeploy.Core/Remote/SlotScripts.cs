using System.Globalization;
using static AtomicDeploy.Core.Remote.ShellQuote;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// The scripts of two-slot mode: which slot the proxy points at, the <c>slots/&lt;port&gt;</c> links,
/// <c>upstream.conf</c>, and the user's start, stop and proxy reload commands (their own shell text).
/// </summary>
public static class SlotScripts
{
    /// <summary>The file the proxy includes: one line, <c>server 127.0.0.1:&lt;port&gt;;</c>.</summary>
    public const string UpstreamFile = "upstream.conf";

    /// <summary>
    /// Prints <c>live &lt;port&gt;</c> for the port <c>upstream.conf</c> names (nothing when there is
    /// none), and <c>slot &lt;port&gt; &lt;release&gt;</c> for each slot link that exists.
    /// </summary>
    public static string Read(string root, IReadOnlyList<int> ports) => $$"""
        cd -- {{Quote(root)}} || exit 1
        if [ -f {{UpstreamFile}} ]; then sed -n 's/^server 127\.0\.0\.1:\([0-9][0-9]*\);$/live \1/p' {{UpstreamFile}} | head -n 1; fi
        for port in {{string.Join(' ', ports.Select(Number))}}; do
          if [ -L "slots/$port" ]; then printf 'slot %s %s\n' "$port" "$(basename -- "$(readlink -- "slots/$port")")"; fi
        done
        """;

    /// <summary>Points <c>slots/&lt;port&gt;</c> at <paramref name="release"/>: a relative link renamed over the old one.</summary>
    public static string PointSlot(string root, int port, string release) => $"""
        set -eu
        cd -- {Quote(root)}
        mkdir -p slots
        rm -f -- slots/.{Number(port)}.tmp
        ln -s -- {Quote("../releases/" + release)} slots/.{Number(port)}.tmp
        mv -T -- slots/.{Number(port)}.tmp slots/{Number(port)}
        """;

    /// <summary>
    /// Runs <paramref name="command"/> with <c>/bin/sh -c</c> for the slot on <paramref name="port"/>,
    /// in the folder of <paramref name="release"/> (the deploy folder when that is gone), with
    /// <c>ATOMICDEPLOY_APP_PORT</c>, <c>ATOMICDEPLOY_RELEASE</c>, <c>ATOMICDEPLOY_RELEASE_PATH</c> and
    /// <c>ATOMICDEPLOY_PATH</c> set, errors merged into the output, killed after <paramref name="timeout"/>.
    /// </summary>
    public static string Command(string root, string release, int port, string command, TimeSpan timeout) => $"""
        cd -- {Quote(root + "/releases/" + release)} 2>/dev/null || cd -- {Quote(root)} || exit 1
        ATOMICDEPLOY_PATH={Quote(root)} ATOMICDEPLOY_RELEASE={Quote(release)} ATOMICDEPLOY_RELEASE_PATH={Quote(root + "/releases/" + release)} ATOMICDEPLOY_APP_PORT={Number(port)}
        export ATOMICDEPLOY_PATH ATOMICDEPLOY_RELEASE ATOMICDEPLOY_RELEASE_PATH ATOMICDEPLOY_APP_PORT
        exec timeout -k 5 {Seconds(timeout)} /bin/sh -c {Quote(command)} </dev/null 2>&1
        """;

    /// <summary>
    /// Replaces <c>upstream.conf</c> by rename with one naming <paramref name="port"/>, then runs the
    /// proxy reload <paramref name="command"/> (as <see cref="Command"/> does).
    /// </summary>
    public static string Flip(string root, string release, int port, string command, TimeSpan timeout) => $"""
        cd -- {Quote(root)} || exit 1
        printf 'server 127.0.0.1:%s;\n' {Number(port)} > .{UpstreamFile}.tmp || exit 1
        mv -f -- .{UpstreamFile}.tmp {UpstreamFile} || exit 1
        {Command(root, release, port, command, timeout)}
        """;

    private static string Number(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan time) => Math.Max(1, (int)Math.Ceiling(time.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
