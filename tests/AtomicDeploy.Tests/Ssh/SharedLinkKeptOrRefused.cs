using AtomicDeploy.Core;
using AtomicDeploy.Core.Operations;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// A deploy that would replace a link of the live release to shared/ with the publish output's own
/// copy (a typo in AtomicDeploySharedPaths, a path dropped from it, an undeclared entry of shared/ the
/// output now ships) is refused before anything changes: otherwise the app would show the published
/// copy and write into its release, and what users wrote would stay in shared/, unseen. Over the real sshd.
/// </summary>
[TestClass]
public sealed class SharedLinkKeptOrRefused
{
    [TestMethod]
    public void A_typo_in_the_shared_paths_is_refused_before_anything_changes_and_the_app_keeps_its_users_notes()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        var tree = new RemoteTree(root);
        using var source = new SourceFolder().Write("Notes.dll", "v1").Write("data/notes.txt", "the developer's sample note\n");
        var live = EngineDeploy.Deploy(server, root, source.Path, shared: ["data/"]);
        server.RunAsUser($"echo 'a note a user wrote' >> '{root}/current/data/notes.txt'");

        source.Write("Notes.dll", "v2");
        var before = RemoteTree.Snapshot(root);
        var log = new RecordingLog();
        var refused = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Deploy(server, root, source.Path, log, shared: ["dta/"]));

        Assert.AreEqual(ErrorCodes.SharedLinkWouldBeLost, refused.Code, refused.Message);
        StringAssert.Contains(refused.Message, "data/ (the publish output ships data/notes.txt)");
        StringAssert.Contains(refused.Message, "AtomicDeploySharedPaths is 'dta/'");
        StringAssert.Contains(refused.Message, "add 'data/' to AtomicDeploySharedPaths");
        StringAssert.EndsWith(refused.Message, "Nothing was changed on any host.");
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(root), "the refused deploy left the deploy folder as it was: no release, no shared/dta, no history line");
        Assert.AreEqual($"releases/{live}", tree.CurrentLink);
        Assert.AreEqual("the developer's sample note\na note a user wrote\n", tree.CurrentFile("data/notes.txt"));

        // The lock went with the refusal: the corrected deploy goes through and still serves the user's note.
        var fixedRelease = EngineDeploy.Deploy(server, root, source.Path, shared: ["data/"]);
        Assert.AreEqual($"releases/{fixedRelease}", tree.CurrentLink);
        Assert.AreEqual("the developer's sample note\na note a user wrote\n", tree.CurrentFile("data/notes.txt"));
    }

    [TestMethod]
    public void Sharing_stopped_on_purpose_gives_the_release_the_published_copy_and_leaves_shared_as_it_was()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        var tree = new RemoteTree(root);
        using var source = new SourceFolder().Write("Shop.dll", "v1").Write("wwwroot/uploads/placeholder.png", "placeholder");
        EngineDeploy.Deploy(server, root, source.Path, shared: ["wwwroot/uploads/"]);
        server.RunAsUser($"echo photo > '{root}/current/wwwroot/uploads/photo.jpg'");

        // Uploads moved to object storage: the app now ships a folder of its own there.
        source.Write("Shop.dll", "v2").Write("wwwroot/uploads/placeholder.png", "new placeholder");
        var log = new RecordingLog();
        var release = EngineDeploy.Deploy(EngineDeploy.Connect(EngineDeploy.Settings(server)), root, source.Path, log, unshared: ["wwwroot/uploads/"]);

        Assert.AreEqual($"releases/{release}", tree.CurrentLink);
        Assert.IsNull(new DirectoryInfo(tree.ReleasePath(release, "wwwroot/uploads")).LinkTarget, "the release holds its own folder");
        Assert.AreEqual("new placeholder", tree.CurrentFile("wwwroot/uploads/placeholder.png"));
        Assert.AreEqual("photo\n", File.ReadAllText(Path.Combine(root, "shared/wwwroot/uploads/photo.jpg")), "shared/ keeps what the app wrote");
        // Until shared/wwwroot/uploads is removed on the server, the rule for undeclared entries of shared/ links what the release lacks, and says so.
        Assert.AreEqual("../../../../shared/wwwroot/uploads/photo.jpg", new FileInfo(tree.ReleasePath(release, "wwwroot/uploads/photo.jpg")).LinkTarget);
        Assert.IsTrue(log.Warnings.Any(w => w.Code == ErrorCodes.SharedConflict && w.Message.StartsWith("'wwwroot/uploads/' is a folder in shared/ and also in the release", StringComparison.Ordinal)), string.Join("\n", log.Warnings));
    }

    [TestMethod]
    public void An_undeclared_shared_folder_the_live_release_linked_is_not_replaced_by_a_folder_the_output_now_ships()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        var tree = new RemoteTree(root);
        using var source = new SourceFolder().Write("App.dll", "v1");
        EngineDeploy.Deploy(server, root, source.Path);
        // Set up by hand on the server, never declared: every release links it, as it lacks logs/.
        server.RunAsUser($"mkdir -p '{root}/shared/logs' && echo 'yesterday' > '{root}/shared/logs/app.log'");
        source.Write("App.dll", "v2");
        var linked = EngineDeploy.Deploy(server, root, source.Path);
        Assert.AreEqual("../../shared/logs", new DirectoryInfo(tree.ReleasePath(linked, "logs")).LinkTarget);

        source.Write("App.dll", "v3").Write("logs/README.txt", "logs go here");
        var before = RemoteTree.Snapshot(root);
        var refused = Assert.ThrowsExactly<DeployException>(() => EngineDeploy.Deploy(server, root, source.Path));

        Assert.AreEqual(ErrorCodes.SharedLinkWouldBeLost, refused.Code, refused.Message);
        StringAssert.Contains(refused.Message, "logs/ (the publish output ships logs/README.txt)");
        StringAssert.Contains(refused.Message, "AtomicDeploySharedPaths is empty");
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(root));

        // A dry run says the same, and changes nothing either.
        var dryRun = Assert.ThrowsExactly<DeployException>(() =>
        {
            using var deployment = EngineDeploy.Open(EngineDeploy.Connect(EngineDeploy.Settings(server)), EngineDeploy.Deploy(root, source.Path, timeout: CheckedDeploy.Timeout), new RecordingLog());
            DryRun.Run(deployment, CancellationToken.None);
        });
        Assert.AreEqual(ErrorCodes.SharedLinkWouldBeLost, dryRun.Code, dryRun.Message);
        StringAssert.Contains(dryRun.Message, "logs/ (the publish output ships logs/README.txt)");
        CollectionAssert.AreEqual(before, RemoteTree.Snapshot(root));
    }

    [TestMethod]
    public void A_link_the_app_made_in_its_release_and_a_shared_path_the_output_does_not_ship_are_no_reason_to_refuse()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        var tree = new RemoteTree(root);
        using var source = new SourceFolder().Write("App.dll", "v1").Write("cache/index.txt", "index");
        EngineDeploy.Deploy(server, root, source.Path, shared: ["data/"]);
        // The app links a file of its own; data/ is dropped from the list, and the output ships no data/.
        server.RunAsUser($"ln -s /etc/hostname '{root}/current/cache/host' && echo note > '{root}/current/data/notes.txt'");

        source.Write("App.dll", "v2").Write("cache/host", "published in its place");
        var release = EngineDeploy.Deploy(server, root, source.Path);

        Assert.AreEqual($"releases/{release}", tree.CurrentLink);
        Assert.AreEqual("published in its place", tree.CurrentFile("cache/host"));
        Assert.AreEqual("note\n", tree.CurrentFile("data/notes.txt"), "shared/data is still linked: the release lacks data/");
    }

    [TestMethod]
    public void A_shared_path_declared_in_another_case_than_the_app_uses_is_warned_about()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("App.dll", "v1").Write("wwwroot/Uploads/.keep", string.Empty);
        EngineDeploy.Deploy(server, root, source.Path, shared: ["Data/"]);

        // The output ships no Data/: the live link stays, and data/ would be a second, empty folder beside it.
        source.Write("App.dll", "v2");
        var log = new RecordingLog();
        EngineDeploy.Deploy(server, root, source.Path, log, shared: ["data/", "wwwroot/uploads/", "logs/"]);

        var warnings = log.Warnings.Where(w => w.Code == ErrorCodes.SharedPathCaseDiffers).Select(w => w.Message).ToArray();
        CollectionAssert.AreEqual(new[]
        {
            "'data/' is declared in AtomicDeploySharedPaths, but the app has 'Data/': on Linux the case matters, so 'data/' is another path in shared/ (created empty), linked beside it. If 'Data/' is meant, declare it so.",
            "'wwwroot/uploads/' is declared in AtomicDeploySharedPaths, but the app has 'wwwroot/Uploads/': on Linux the case matters, so 'wwwroot/uploads/' is another path in shared/ (created empty), linked beside it. If 'wwwroot/Uploads/' is meant, declare it so.",
        }, warnings, string.Join("\n", log.Warnings));

        // The next deploy with the same typo says it again, though the live release now links data too.
        source.Write("App.dll", "v3");
        var again = new RecordingLog();
        EngineDeploy.Deploy(server, root, source.Path, again, shared: ["data/", "wwwroot/uploads/", "logs/"]);
        CollectionAssert.AreEqual(warnings, again.Warnings.Where(w => w.Code == ErrorCodes.SharedPathCaseDiffers).Select(w => w.Message).ToArray(), string.Join("\n", again.Warnings));
    }
}
