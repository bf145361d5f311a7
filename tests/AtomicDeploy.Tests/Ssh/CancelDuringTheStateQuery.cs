using AtomicDeploy.Core;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Ctrl+C while the prepare step's state query runs: the query goes on to create the release on
/// the server, but its answer never reaches the build, which so does not know the release exists.
/// The abort still removes it and records the failure under its name; the live release stays.
/// </summary>
[TestClass]
public sealed class CancelDuringTheStateQuery
{
    [TestMethod]
    public void A_release_the_query_made_before_its_answer_was_cut_off_is_removed_by_the_abort()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("index.html", "v1");
        var live = EngineDeploy.Deploy(server, root, source.Path);
        source.Write("index.html", "v2");
        var log = new RecordingLog();
        using var shell = new AnswerCutOff(EngineDeploy.Connect(EngineDeploy.Settings(server)));
        using var session = EngineDeploy.Open(shell, EngineDeploy.Deploy(root, source.Path), log);

        // Later than the live release's name, so the state query itself creates the release under it.
        var now = DateTime.UtcNow.AddSeconds(5);
        var made = now.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

        var failure = Assert.ThrowsExactly<DeployException>(() => session.Prepare(now, CancellationToken.None));
        Assert.AreEqual(ErrorCodes.Cancelled, failure.Code);
        Assert.IsTrue(shell.CutOff, "the state query created the release before its answer was cut off");
        Assert.IsNull(session.Hosts[0].Release, "the build never learnt the release's name");
        session.Abort(failure);

        var tree = new RemoteTree(root);
        CollectionAssert.AreEqual(new[] { live }, tree.Releases, "the release the query made is gone");
        Assert.AreEqual($"releases/{live}", tree.CurrentLink);
        Assert.AreEqual("v1", tree.CurrentFile("index.html"));
        StringAssert.Contains(tree.HistoryLines[^1], $"\"release\":\"{made}\"");
        StringAssert.Contains(tree.HistoryLines[^1], $"\"error\":\"{ErrorCodes.Cancelled}\"");
        StringAssert.Contains(tree.HistoryLines[^1], $"\"previous\":\"{live}\"");
        Assert.IsTrue(log.Lines.Any(l => l.Contains($"the half-made release {made} was removed; releases/{live} stays live", StringComparison.Ordinal)), string.Join("\n", log.Lines));

        var next = new RecordingLog();
        var release = EngineDeploy.Deploy(server, root, source.Path, next);
        Assert.IsFalse(next.Warnings.Any(w => w.Code == ErrorCodes.LeftoverRemoved), "nothing was left for the next deploy to clean up");
        Assert.AreEqual(1, new RemoteTree(root).HistoryLines.Count(l => l.Contains($"\"release\":\"{made}\"", StringComparison.Ordinal)), "one failure line for it");
        Assert.AreEqual("v2", new RemoteTree(root).CurrentFile("index.html"));
        Assert.AreEqual($"releases/{release}", new RemoteTree(root).CurrentLink);
    }

    /// <summary>Runs every script; the state query's to its end on the server, then answers as a cancel that cut its output off.</summary>
    private sealed class AnswerCutOff(IRemoteShell inner) : IRemoteShell
    {
        public bool CutOff { get; private set; }

        public string Name => inner.Name;

        public ShellResult Run(string script, Action<Stream>? writeInput, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var result = inner.Run(script, writeInput, timeout, cancellationToken);
            if (!CutOff && result.Output.Contains(RemoteScripts.CreatedMarker, StringComparison.Ordinal))
            {
                CutOff = true;
                throw new DeployException(ErrorCodes.Cancelled, "The deploy was cancelled.");
            }

            return result;
        }

        public RemoteProcess Start(string script) => inner.Start(script);

        public void Dispose() => inner.Dispose();
    }
}
