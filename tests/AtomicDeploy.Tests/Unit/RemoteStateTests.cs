using AtomicDeploy.Core;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class RemoteStateTests
{
    private const string Manifest = "{\"format\":1,\"release\":\"20261127121500\",\"entries\":[{\"path\":\"app.dll\",\"type\":\"f\",\"size\":1,\"sha256\":\"00\",\"mode\":420}]}";

    [TestMethod]
    public void The_state_is_read_after_anything_a_login_file_printed()
    {
        var output = "Welcome!\natomicdeploy-state 1\nlive releases/20261127121500\nrelease 20261127121400\nrelease 20261127121500\nrelease junk\nmanifest\n"
            + Manifest + "\nlisting\nf 1 644 app.dll\0";

        var state = RemoteState.Parse(output, "web1");

        Assert.AreEqual("20261127121500", state.LiveRelease);
        CollectionAssert.AreEqual(new[] { "20261127121400", "20261127121500" }, state.Releases.ToArray());
        Assert.AreEqual("app.dll", state.RecordedManifest!.Entries.Single().Path);
        Assert.AreEqual("f 1 644 app.dll\0", state.LiveListing);
    }

    [TestMethod]
    public void A_first_deploy_has_no_live_release()
    {
        var state = RemoteState.Parse("atomicdeploy-state 1\nlive \n", "web1");

        Assert.IsNull(state.LiveRelease);
        Assert.AreEqual(string.Empty, state.CurrentLink);
        Assert.IsNull(state.RecordedManifest);
    }

    [TestMethod]
    public void A_current_pointing_elsewhere_is_no_live_release_of_this_tool()
    {
        var state = RemoteState.Parse("atomicdeploy-state 1\nlive /var/www/capistrano/releases/42\n", "web1");

        Assert.IsNull(state.LiveRelease);
        Assert.AreEqual("/var/www/capistrano/releases/42", state.CurrentLink);
    }

    [TestMethod]
    [DataRow("atomicdeploy-state 1\nlive (not a symlink)\n")]
    [DataRow("sh: syntax error\n")]
    [DataRow("")]
    public void A_real_folder_for_current_or_an_unexpected_answer_is_AD0207(string output) =>
        Assert.AreEqual(ErrorCodes.RemoteStateInvalid, Assert.ThrowsExactly<DeployException>(() => RemoteState.Parse(output, "web1")).Code);
}
