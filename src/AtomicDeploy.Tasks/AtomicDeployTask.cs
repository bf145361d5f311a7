using AtomicDeploy.Core;
using AtomicDeploy.Core.Remote;
using Microsoft.Build.Framework;

namespace AtomicDeploy.Tasks;

/// <summary>
/// What every task of the package shares: cancellation, and turning failures into coded errors in
/// the build log (pointing at the project, not at this package's targets file).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A CancellationTokenSource without a timer holds nothing to release, and MSBuild may call Cancel after Execute returns.")]
public abstract class AtomicDeployTask : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>The project being deployed: errors point at it, not at this package's targets file.</summary>
    public string? ProjectFile { get; set; }

    /// <summary>The cancellation of this task (Ctrl+C).</summary>
    protected CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>The build log, as the engine writes to it.</summary>
    private protected IDeployLog DeployLog => new MsBuildDeployLog(Log, ProjectFile);

    /// <inheritdoc />
    public void Cancel() => _cancellation.Cancel();

    /// <inheritdoc />
    public sealed override bool Execute()
    {
        try
        {
            Run();
        }
        catch (DeployException e)
        {
            Fail(e);
        }
        catch (OperationCanceledException)
        {
            Fail(new DeployException(ErrorCodes.Cancelled, "The deploy was cancelled."));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            Fail(new DeployException(ErrorCodes.Internal, $"{GetType().Name} failed unexpectedly: {e.GetType().Name}: {e.Message}"));
        }

        return !Log.HasLoggedErrors;
    }

    /// <summary>Does the task's work.</summary>
    protected abstract void Run();

    /// <summary>Logs <paramref name="failure"/> as a coded error; a task with a deployment also cleans it up.</summary>
    private protected virtual void Fail(DeployException failure) =>
        Log.LogError(null, failure.Code, null, ProjectFile, 0, 0, 0, 0, ServerText.ForLog(failure.Message));
}
