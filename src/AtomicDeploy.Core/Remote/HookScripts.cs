using System.Globalization;
using static AtomicDeploy.Core.Remote.ShellQuote;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// The user's before/after-switch commands and the health check, as scripts run on the server.
/// A command is the user's own shell text by design: it runs as given with <c>/bin/sh -c</c>.
/// </summary>
public static class HookScripts
{
    /// <summary>Exit code of <c>timeout(1)</c> when the command ran out of time.</summary>
    public const int TimedOutExitCode = 124;

    /// <summary>Exit code of <see cref="HealthCheck"/> and <see cref="HasHttpClient"/> when the server has neither curl nor wget.</summary>
    public const int NoHttpClientExitCode = 69;

    /// <summary>
    /// Runs <paramref name="command"/> with <c>/bin/sh -c</c> in the release folder, its errors merged
    /// into its output (one stream keeps the order for the build log), no input, killed after
    /// <paramref name="timeout"/>. The release and deploy folder are in <c>ATOMICDEPLOY_RELEASE</c>,
    /// <c>ATOMICDEPLOY_RELEASE_PATH</c> and <c>ATOMICDEPLOY_PATH</c>.
    /// </summary>
    public static string RunCommand(string root, string release, string command, TimeSpan timeout) => RunCommand(root, release, command, timeout, detachFirst: true);

    /// <summary>
    /// <see cref="RunCommand(string, string, string, TimeSpan)"/>, first giving the release its own
    /// copy of each file a command is likely to write that is still hard-linked to other releases
    /// (<see cref="DetachWritableFiles"/>): the before-switch command runs while the old release is
    /// live, and a write through a shared inode would change the live site.
    /// </summary>
    public static string RunBeforeSwitch(string root, string release, string command, TimeSpan timeout) => RunCommand(root, release, command, timeout, detachFirst: true);

    /// <summary>
    /// Replaces, in the current folder, each hard-linked regular file at its top and each
    /// <c>appsettings*.json</c>, <c>*.config</c> and <c>*.env</c> file at any depth by a copy of its
    /// own (same mode and times, renamed over it): writing it then changes this release only. Other
    /// files stay shared with the releases they came from (docs/app-state.md says why not to write
    /// them in place).
    /// </summary>
    public const string DetachWritableFiles = """
        find . \( -path './*/*' \( -name 'appsettings*.json' -o -name '*.config' -o -name '*.env' \) -o ! -path './*/*' \) -type f -links +1 -exec sh -c '
          for f; do cp -p -- "$f" "$f.atomicdeploy-own" && mv -f -- "$f.atomicdeploy-own" "$f" || exit 1; done' sh {} + || { echo 'Could not give the release its own copy of its files before the before-switch command.' >&2; exit 1; }
        """;

    /// <summary>
    /// What <c>timeout</c> runs: a watch beside the command, then the command (<c>$3</c>). A deploy that
    /// is gone (a killed build: the connection's server process, <c>$2</c>, ends; a cancelled step:
    /// the script's shell, <c>$1</c>, is stopped) cannot stop the command itself: <c>timeout</c> runs
    /// it in a process group of its own, which neither a lost connection nor the step's signal
    /// reaches. Left running, a before-switch command (a migration) would go on beside the next
    /// deploy, which removes the release it runs in. So the watch, in that group, stops
    /// <c>timeout</c> (which stops the command, and kills it 5 s later) within a second of either
    /// ending, and ends itself when the command does. It runs from <c>/</c>, so the prune never
    /// counts it as a process of the release.
    /// </summary>
    private const string StopWhenTheDeployIsGone = """
        ( cd / || exit 0
          alive() { [ -d "/proc/$1" ] || kill -0 "$1" 2>/dev/null; }
          while sleep 1; do
            alive $$ || exit 0
            alive "$1" && alive "$2" && continue
            kill -TERM "$PPID" 2>/dev/null
            exit 0
          done ) </dev/null >/dev/null 2>&1 &
        exec /bin/sh -c "$3"
        """;

    private static string RunCommand(string root, string release, string command, TimeSpan timeout, bool detachFirst) => $"""
        cd -- {Quote(root + "/releases/" + release)} || exit 1
        {(detachFirst ? DetachWritableFiles : "")}
        ATOMICDEPLOY_PATH={Quote(root)} ATOMICDEPLOY_RELEASE={Quote(release)} ATOMICDEPLOY_RELEASE_PATH={Quote(root + "/releases/" + release)}
        export ATOMICDEPLOY_PATH ATOMICDEPLOY_RELEASE ATOMICDEPLOY_RELEASE_PATH
        exec timeout -k 5 {Seconds(timeout)} /bin/sh -c {Quote(StopWhenTheDeployIsGone)} atomicdeploy-command "$$" "$PPID" {Quote(command)} </dev/null 2>&1
        """;

    /// <summary>Exit code of <see cref="RunOnce"/> when the variables could not be read from its input (it also prints <see cref="OnceInputMarker"/>).</summary>
    public const int OnceInputExitCode = 71;

    /// <summary>What <see cref="RunOnce"/> prints when the variables could not be read from its input.</summary>
    public const string OnceInputMarker = "atomicdeploy: the run-once variables could not be read";

    /// <summary>
    /// As <see cref="RunBeforeSwitch"/> (the release gets its own copy of the files the command may
    /// write, since the old release is still live), with each variable of <paramref name="names"/>
    /// read from the script's input, one base64 line each in that order, and exported. The values
    /// travel only on the input: never in a command line, never in the script.
    /// </summary>
    public static string RunOnce(string root, string release, string command, TimeSpan timeout, IReadOnlyList<string> names)
    {
        var read = string.Concat(names.Select(name => $$"""
            IFS= read -r atomicdeploy_value || { echo '{{OnceInputMarker}}' >&2; exit {{OnceInputExitCode}}; }
            {{name}}=$(printf '%s' "$atomicdeploy_value" | base64 -d && echo x) || { echo '{{OnceInputMarker}}' >&2; exit {{OnceInputExitCode}}; }
            {{name}}=${{{name}}%x}
            export {{name}}

            """));
        return $"""
            {read}atomicdeploy_value=
            {RunCommand(root, release, command, timeout, detachFirst: true)}
            """;
    }

    /// <summary>Exits <see cref="NoHttpClientExitCode"/> when the server has neither curl nor wget.</summary>
    public static string HasHttpClient => $"command -v curl >/dev/null 2>&1 || command -v wget >/dev/null 2>&1 || exit {NoHttpClientExitCode}";

    /// <summary>
    /// Fetches <paramref name="url"/> on the server (curl, else wget) once a second until it answers
    /// 2xx or <paramref name="timeout"/> has passed (<paramref name="pause"/>: the seconds between tries, as sleep(1) takes them). Prints <c>healthy CODE</c>, or <c>unhealthy</c>
    /// and the last response seen (status and the start of the body, or the client's error).
    /// </summary>
    public static string HealthCheck(string url, TimeSpan timeout, string pause = "1")
    {
        var perTry = Seconds(TimeSpan.FromSeconds(Math.Min(10, timeout.TotalSeconds)));
        return $$"""
            set -u
            url={{Quote(url)}}
            if command -v curl >/dev/null 2>&1; then tool=curl; elif command -v wget >/dev/null 2>&1; then tool=wget; else exit {{NoHttpClientExitCode}}; fi
            end=$(( $(date +%s) + {{Seconds(timeout)}} ))
            last='no response'
            while :; do
              if [ "$tool" = curl ]; then
                out=$(curl -sS -L --max-time {{perTry}} -w '\n%{http_code}' "$url" 2>&1)
                code=$(printf '%s\n' "$out" | tail -n 1)
                body=$(printf '%s\n' "$out" | sed '$d')
              else
                out=$(wget -S -O - -T {{perTry}} -t 1 --content-on-error "$url" 2>&1)
                code=$(printf '%s\n' "$out" | sed -n 's/^ *HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p' | tail -n 1)
                body=$out
              fi
              case "$code" in 2[0-9][0-9]) printf 'healthy %s\n' "$code"; exit 0;; esac
              case "$code" in [1-5][0-9][0-9]) last="HTTP $code";; *) last='no HTTP response';; esac
              last="$last: $(printf '%s' "$body" | head -c 300 | tr '\n\r' '  ')"
              [ "$(date +%s)" -lt "$end" ] || break
              sleep {{pause}}
            done
            printf 'unhealthy %s\n' "$last"
            exit 1
            """;
    }

    /// <summary>Appends a line to the history (when a failed release stays live because nothing was there before it).</summary>
    public static string AppendHistory(string root, string historyLine) =>
        $"cd -- {Quote(root)} || exit 1\n{ScriptFragments.AppendHistory(historyLine)}";

    private static string Seconds(TimeSpan time) => Math.Max(1, (int)Math.Ceiling(time.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
