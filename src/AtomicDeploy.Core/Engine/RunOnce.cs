using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Engine;

/// <summary>
/// The run-once command (<c>AtomicDeployOnceCommand</c>, e.g. an EF Core migrations bundle): which
/// host runs it, how long it may take, and the variables of the build's environment it is given.
/// The values are secrets: they are held here only to be written to the command's input, and this
/// type prints none of them (it is a class, not a record, so no generated <c>ToString</c> shows them).
/// </summary>
public sealed partial class OnceSettings
{
    private OnceSettings(string command, int hostIndex, TimeSpan timeout, IReadOnlyList<KeyValuePair<string, string>> environment)
    {
        Command = command;
        HostIndex = hostIndex;
        Timeout = timeout;
        Environment = environment;
    }

    /// <summary>The command, the user's own shell text.</summary>
    public string Command { get; }

    /// <summary>The host that runs it: the first of <c>AtomicDeployOnceRole</c>, or the first host.</summary>
    public int HostIndex { get; }

    /// <summary>How long it may run.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The names of the variables it is given (the values are never shown).</summary>
    public IReadOnlyList<string> VariableNames => Environment.Select(v => v.Key).ToArray();

    /// <summary>Each variable's name and value, read from the build's environment (empty for a dry run: it needs no secrets).</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> Environment { get; }

    /// <summary>
    /// Reads the run-once settings, or null when no command is set. The role must be one of
    /// <paramref name="hosts"/>'; for a deploy every variable named must be set in the build's
    /// <paramref name="environment"/>. A release list, rollback or unlock does not run it: null.
    /// </summary>
    public static OnceSettings? Parse(DeployInputs inputs, TimeSpan hookTimeout, IReadOnlyList<DeployTarget> hosts, Func<string, string?> environment)
    {
        if (string.IsNullOrWhiteSpace(inputs.OnceCommand) || inputs.Operation == DeployOperation.Inspect)
        {
            return null;
        }

        var timeout = string.IsNullOrWhiteSpace(inputs.OnceTimeout)
            ? hookTimeout
            : TimeSpan.FromSeconds(DeploySettings.WholeNumber(inputs.OnceTimeout, 300, 1, ErrorCodes.OnceSettingInvalid, "AtomicDeployOnceTimeout"));
        var index = 0;
        if (!string.IsNullOrWhiteSpace(inputs.OnceRole))
        {
            var role = inputs.OnceRole.Trim();
            index = hosts.Select((h, i) => (h, i)).FirstOrDefault(x => string.Equals(x.h.Role, role, StringComparison.OrdinalIgnoreCase), (null!, -1)).Item2;
            if (index < 0)
            {
                var roles = hosts.Select(h => h.Role).Where(r => r is not null).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
                throw new DeployException(ErrorCodes.OnceSettingInvalid,
                    $"AtomicDeployOnceRole is '{role}', and no host of this deploy has that Role ({(roles.Length == 0 ? "none has a Role" : "their roles are " + string.Join(", ", roles))}), so the run-once command would have nowhere to run. Give a host Role=\"{role}\" (as AtomicDeployHost item metadata), fix the role's name, or deploy to a host of that role too.");
            }
        }

        var names = (inputs.OnceEnvironment ?? string.Empty).Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in names.Where(n => !VariableName().IsMatch(n)))
        {
            throw new DeployException(ErrorCodes.OnceSettingInvalid,
                $"AtomicDeployOnceEnvironment names '{name}', which is not a variable name: use letters, digits and '_', not starting with a digit (e.g. DB). It names variables of the build's environment, never their values.");
        }

        var repeated = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw new DeployException(ErrorCodes.OnceSettingInvalid, $"AtomicDeployOnceEnvironment names {repeated.Key} twice; name each variable once.");
        }

        var values = new List<KeyValuePair<string, string>>();
        if (inputs.Operation == DeployOperation.Deploy)
        {
            foreach (var name in names)
            {
                values.Add(new(name, environment(name) ?? throw new DeployException(ErrorCodes.OnceVariableMissing,
                    $"AtomicDeployOnceEnvironment names {name}, and the build's environment has no variable {name}: set it (in CI, from a secret) before dotnet publish, or remove it from AtomicDeployOnceEnvironment. Nothing was changed on any host.")));
            }
        }
        else
        {
            values.AddRange(names.Select(n => new KeyValuePair<string, string>(n, string.Empty)));
        }

        return new OnceSettings(inputs.OnceCommand.Trim(), index, timeout, values);
    }

    /// <inheritdoc />
    public override string ToString() => $"run once on host {HostIndex.ToString(CultureInfo.InvariantCulture)}: {Command} (variables: {string.Join(", ", VariableNames)})";

    /// <summary><paramref name="text"/> with every non-empty value of the variables replaced by <c>***</c>: the command's output may print one.</summary>
    internal string Redact(string text)
    {
        foreach (var value in Environment.Select(v => v.Value).Where(v => v.Length > 0).OrderByDescending(v => v.Length))
        {
            text = text.Replace(value, "***", StringComparison.Ordinal);
        }

        return text;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}

/// <summary>
/// Runs the run-once command on its one host, in the new release, after every host is ready (upload
/// and link done, before-switch commands passed) and before any host switches. Its failure fails the
/// step with <see cref="ErrorCodes.OnceFailed"/>: no host switches, and the abort that follows removes
/// the half-made release on every host.
/// </summary>
internal static class RunOnce
{
    /// <summary>Runs the command of <see cref="DeploySettings.Once"/>, if any, in <paramref name="release"/>.</summary>
    public static void Run(Deployment deployment, string release, CancellationToken cancellationToken)
    {
        if (deployment.Settings.Once is not { } once)
        {
            return;
        }

        var host = deployment.Hosts[once.HostIndex];
        var root = deployment.Settings.Root;
        var names = once.VariableNames;
        var with = names.Count == 0 ? string.Empty : $" (given {string.Join(", ", names)} from the build's environment)";
        host.Log.Summary($"AtomicDeploy: running the run-once command on {host.Name} only, in releases/{release}, before any host switches{with}: {once.Command}");
        var clock = Stopwatch.StartNew();
        var result = host.Shell.Run(HookScripts.RunOnce(root, release, once.Command, once.Timeout, names), input => WriteValues(input, once), once.Timeout + TimeSpan.FromSeconds(30), cancellationToken);
        var output = once.Redact(result.Output + result.Error);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            host.Log.Summary($"  [run-once] {line.TrimEnd('\r')}");
        }

        if (result.ExitCode == 0)
        {
            host.Log.Summary(string.Create(CultureInfo.InvariantCulture, $"AtomicDeploy: the run-once command succeeded on {host.Name} in {clock.Elapsed.TotalSeconds:0.00} s; no other host runs it."));
            return;
        }

        var failure = result.ExitCode switch
        {
            HookScripts.TimedOutExitCode => new DeployException(ErrorCodes.OnceFailed,
                $"The run-once command did not finish within {once.Timeout.TotalSeconds:0} s in releases/{release} on {host.Name} and was stopped. Raise AtomicDeployOnceTimeout, or make the command return sooner."),
            HookScripts.OnceInputExitCode when output.Contains(HookScripts.OnceInputMarker, StringComparison.Ordinal) => new DeployException(ErrorCodes.OnceFailed,
                $"The run-once command did not run on {host.Name}: the variables of AtomicDeployOnceEnvironment could not be read on the server (it needs base64, of GNU coreutils)."),
            var exit => new DeployException(ErrorCodes.OnceFailed,
                $"The run-once command failed with exit code {exit} in releases/{release} on {host.Name}; its last lines: {ServerText.LastLines(output)}"),
        };
        Deployment.Fail([(host, failure)], "No host was switched: every host stays on the release it had, and the half-made release is removed on every host.");
    }

    /// <summary>Each value on a line of its own, base64 (a value may hold any byte, a line break too), as the script reads them.</summary>
    private static void WriteValues(Stream input, OnceSettings once)
    {
        foreach (var (_, value) in once.Environment)
        {
            input.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + "\n"));
        }
    }
}
