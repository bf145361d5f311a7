using System.Globalization;
using System.Text;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Core.Engine;

/// <summary>
/// The deploy as a short Markdown table for the CI run's summary page: one row per host with its
/// release, files, bytes, time and outcome, and on failure each host's code and message. Every cell
/// passes through <see cref="ServerText.ForLog"/> and is escaped for a Markdown table, since
/// messages quote what servers sent. Writing it never fails the deploy: a problem is a warning.
/// </summary>
internal static class CiSummary
{
    /// <summary>Writes the summary of <paramref name="deployment"/>, which ended (after the prune, or after <paramref name="failure"/>), where CI wants it.</summary>
    public static void Write(Deployment deployment, DeployException? failure)
    {
        var targets = deployment.Settings.CiSummary;
        if (targets.GitHubStepSummary is null && targets.AzureFolder is null)
        {
            return;
        }

        var markdown = Markdown(deployment, failure);
        try
        {
            if (targets.GitHubStepSummary is { } stepSummary)
            {
                File.AppendAllText(stepSummary, markdown, new UTF8Encoding(false));
            }

            if (targets.AzureFolder is { } folder)
            {
                var file = Path.Combine(folder, $"atomicdeploy-summary-{Guid.NewGuid():N}.md");
                File.WriteAllText(file, markdown, new UTF8Encoding(false));
                deployment.Log.CiUploadSummary(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            deployment.Log.Warning(ErrorCodes.CiSummaryNotWritten, $"The CI summary could not be written: {e.Message} The deploy itself is not affected.");
        }
    }

    /// <summary>The Markdown: a heading with the outcome, the table, and on failure the error.</summary>
    public static string Markdown(Deployment deployment, DeployException? failure)
    {
        var hosts = deployment.Hosts;
        var where = Cell(deployment.Settings.Root);
        var heading = failure is not null ? $"AtomicDeploy: the deploy to {where} failed ({Cell(failure.Code)})"
            : hosts.All(h => h.Outcome == "unchanged") ? $"AtomicDeploy: nothing changed in {where}; the servers are left as they are"
            : $"AtomicDeploy: release {Cell(deployment.Release ?? "(none)")} deployed to {where}";
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"### {heading}\n\n");
        var withErrors = hosts.Any(h => h.Failure is not null) || failure is not null;
        text.Append("| Host | Release | Files | Sent | Time | Outcome |").Append(withErrors ? " Error |\n" : "\n");
        text.Append("|---|---|---|---|---|---|").Append(withErrors ? "---|\n" : "\n");
        foreach (var host in hosts)
        {
            var diff = host.Diff;
            var files = diff is null ? "none sent" : $"{diff.FilesAdded} added, {diff.FilesChanged} changed, {diff.FilesRemoved} removed";
            var seconds = host.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
            text.Append(CultureInfo.InvariantCulture, $"| {Cell(host.Name)} | {Cell(host.Release ?? "(none)")} | {files} | {ByteSize.Format(host.BytesSent)} | {seconds} | {Cell(host.Outcome ?? "unfinished")} |");
            if (withErrors)
            {
                var error = host.Failure ?? failure;
                text.Append(' ').Append(error is null ? string.Empty : Cell($"{error.Code}: {error.Message}")).Append(" |");
            }

            text.Append('\n');
        }

        return text.Append('\n').ToString();
    }

    /// <summary>
    /// <paramref name="value"/> made safe for one table cell: one sanitised line, with the characters
    /// that end a cell or start Markdown or HTML written as entities or escaped.
    /// </summary>
    public static string Cell(string value)
    {
        var line = ServerText.ForLog(value);
        var cell = new StringBuilder(line.Length);
        foreach (var c in line)
        {
            cell.Append(c switch
            {
                '|' => "\\|",
                '\\' => "\\\\",
                '`' => "\\`",
                '*' => "\\*",
                '_' => "\\_",
                '[' => "\\[",
                ']' => "\\]",
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                _ => c.ToString(),
            });
        }

        return cell.ToString();
    }
}
