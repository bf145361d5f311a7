using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// A build cancelled (Ctrl+C) while the state query runs gets no answer, so it does not know
/// whether the query created its release. The abort removes that release when it carries this
/// deploy's pending mark, and only then, recording the failure under its name; when the query made
/// no release, nothing was made and nothing is recorded. Run by
/// <c>sh</c> in a deploy folder on this machine, laid out as a cut-off query leaves it.
/// </summary>
[TestClass]
public sealed class AbortAfterACutOffAnswer
{
    private const string Live = "20260101000000";
    private const string Made = "20260102000000";

    [TestMethod]
    public void The_release_the_query_made_and_marked_is_removed_and_recorded_by_name()
    {
        using var folder = DeployFolder();
        Directory.CreateDirectory(folder.Combine($"releases/{Made}/wwwroot"));
        File.WriteAllText(folder.Combine($"releases/{Made}/wwwroot/big.bin"), "half");
        File.WriteAllText(folder.Combine($".atomicdeploy/pending/{Made}"), "{\"interrupted\":1}\n");

        var output = Abort(folder);

        CollectionAssert.AreEqual(new[] { Live }, new RemoteTree(folder.Path).Releases, "the half-made release is gone, the live one stays");
        Assert.AreEqual($"releases/{Live}", new RemoteTree(folder.Path).CurrentLink);
        Assert.IsFalse(File.Exists(folder.Combine($".atomicdeploy/pending/{Made}")), "its mark is gone, so the next deploy records nothing more");
        CollectionAssert.AreEqual(new[] { $"{{\"release\":\"{Made}\",\"error\":\"AD0206\"}}" }, new RemoteTree(folder.Path).HistoryLines);
        StringAssert.Contains(output, RemoteScripts.RemovedUnconfirmedMarker + Made + "\n");
    }

    [TestMethod]
    public void A_release_without_this_deploys_mark_is_not_touched_and_nothing_is_recorded()
    {
        using var folder = DeployFolder();
        Directory.CreateDirectory(folder.Combine($"releases/{Made}"));

        var output = Abort(folder);

        CollectionAssert.AreEqual(new[] { Live, Made }, new RemoteTree(folder.Path).Releases, "the query did not make it: not this deploy's to remove");
        Assert.IsEmpty(new RemoteTree(folder.Path).HistoryLines, "this deploy made no release");
        Assert.DoesNotContain(RemoteScripts.RemovedUnconfirmedMarker, output);
    }

    [TestMethod]
    public void The_live_release_is_never_removed_even_with_a_mark()
    {
        using var folder = DeployFolder();
        File.WriteAllText(folder.Combine($".atomicdeploy/pending/{Live}"), "{}\n");

        Abort(folder, unconfirmed: Live);

        CollectionAssert.AreEqual(new[] { Live }, new RemoteTree(folder.Path).Releases);
        Assert.AreEqual($"releases/{Live}", new RemoteTree(folder.Path).CurrentLink);
    }

    private static string Abort(TempFolder folder, string unconfirmed = Made)
    {
        using var shell = new LocalShell();
        var script = RemoteScripts.Abort(folder.Path, null, "{\"release\":null,\"error\":\"AD0206\"}", unconfirmed, $"{{\"release\":\"{unconfirmed}\",\"error\":\"AD0206\"}}");
        var result = shell.Run(script, null, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.AreEqual(0, result.ExitCode, result.Error);
        return result.Output;
    }

    private static TempFolder DeployFolder()
    {
        var folder = new TempFolder();
        Directory.CreateDirectory(folder.Combine(".atomicdeploy/manifests"));
        Directory.CreateDirectory(folder.Combine(".atomicdeploy/pending"));
        Directory.CreateDirectory(folder.Combine($"releases/{Live}"));
        File.CreateSymbolicLink(folder.Combine("current"), $"releases/{Live}");
        return folder;
    }
}
