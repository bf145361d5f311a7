namespace AtomicDeploy.Core.Remote;

/// <summary>
/// The scripts use GNU tools (util-linux <c>flock</c>, coreutils <c>mv -T</c>, <c>cp -al</c>,
/// <c>timeout</c>, <c>base64 -d</c>, findutils <c>find -printf</c> and <c>xargs -r</c>), which a Linux
/// server has and macOS or BSD do not by default. The local target checks for them with one probe
/// before its first script, so such a system is refused with a code at the start, not halfway
/// through a deploy.
/// </summary>
public static class GnuToolsProbe
{
    /// <summary>Prefix of a line of <see cref="Script"/>'s output naming a missing tool.</summary>
    public const string MissingPrefix = "missing ";

    /// <summary>Prints <c>missing TOOL</c> for each GNU behaviour this system lacks, then <c>probed</c>; creates only a temp folder, which it removes.</summary>
    public const string Script = """
        t=$(mktemp -d 2>/dev/null) || { echo 'missing mktemp -d'; echo probed; exit 0; }
        cd "$t" || exit 1
        command -v flock >/dev/null 2>&1 || echo 'missing flock (util-linux)'
        command -v timeout >/dev/null 2>&1 || echo 'missing timeout (GNU coreutils)'
        : > a && mv -T a b 2>/dev/null || echo 'missing mv -T (GNU coreutils)'
        mkdir d && : > d/f && cp -al d e 2>/dev/null || echo 'missing cp -al (GNU coreutils)'
        [ "$(printf 'eA==' | base64 -d 2>/dev/null)" = x ] || echo 'missing base64 -d (GNU coreutils)'
        [ "$(find d -mindepth 1 -printf '%y %P' 2>/dev/null)" = 'f f' ] || echo 'missing find -printf (GNU findutils)'
        printf '' | xargs -r false 2>/dev/null || echo 'missing xargs -r (GNU findutils)'
        cd / && rm -rf "$t"
        echo probed
        """;

    /// <summary>What the probe's result means: null when every tool is there, else the coded error naming what is missing.</summary>
    public static DeployException? Decide(ShellResult result)
    {
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (result.ExitCode != 0 || !lines.Contains("probed", StringComparer.Ordinal))
        {
            return new DeployException(ErrorCodes.LocalToolsMissing,
                $"The local target could not check this machine's shell tools (/bin/sh exit code {result.ExitCode}): {ServerText.ForLog(result.Error)}. The local target needs /bin/sh with GNU coreutils, findutils and util-linux (a Linux system).");
        }

        var missing = lines.Where(l => l.StartsWith(MissingPrefix, StringComparison.Ordinal)).Select(l => l[MissingPrefix.Length..]).ToArray();
        return missing.Length == 0
            ? null
            : new DeployException(ErrorCodes.LocalToolsMissing,
                $"The local target needs GNU tools that this machine lacks: {string.Join(", ", missing)}. It runs the same scripts as a Linux server, so it works on Linux; on macOS or BSD, deploy to a Linux server (or a Linux container) over SSH instead, or put GNU coreutils, findutils and util-linux's flock first on PATH. Nothing was changed.");
    }
}
