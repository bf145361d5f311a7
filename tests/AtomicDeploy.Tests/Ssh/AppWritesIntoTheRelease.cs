using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>Files the app wrote into its live release are named at the next deploy (AD0304), over the real sshd.</summary>
[TestClass]
public sealed class AppWritesIntoTheRelease
{
    [TestMethod]
    public void Files_the_app_added_or_changed_in_the_live_release_are_named_with_the_releases_a_hard_link_changed_and_the_fix()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        var tree = new RemoteTree(root);
        using var source = new SourceFolder().Write("App.dll", "v1").Write("appsettings.json", "{\"a\":1}");
        var first = EngineDeploy.Deploy(server, root, source.Path);
        source.Write("App.dll", "v2");
        var second = EngineDeploy.Deploy(server, root, source.Path);

        // The app writes a log, a cache and 25 log files into its release, and appends to its settings in place.
        server.RunAsUser($"cd '{root}/current' && echo started > app.log && mkdir cache logs && echo x > cache/c.bin && for i in $(seq -w 1 25); do echo $i > logs/$i.log; done && echo ' ' >> appsettings.json");

        source.Write("App.dll", "v3");
        var log = new RecordingLog();
        var third = EngineDeploy.Deploy(server, root, source.Path, log);

        var warning = log.Warnings.Single(w => w.Code == ErrorCodes.AppWroteIntoRelease).Message;
        StringAssert.StartsWith(warning, $"The app added 29 and changed 1 entries in the live release releases/{second} on ");
        StringAssert.Contains(warning, "they are not carried over");
        StringAssert.Contains(warning, " Added: app.log, cache/, cache/c.bin, logs/, logs/01.log, ");
        StringAssert.Contains(warning, "logs/16.log and 9 more.");
        Assert.IsFalse(warning.Contains("logs/17.log", StringComparison.Ordinal), "only the first 20 names");
        StringAssert.Contains(warning, $" Changed: appsettings.json. Changed in place through the hard links, so also changed in appsettings.json of releases/{first}.");
        StringAssert.Contains(warning, "declare its folder or file in AtomicDeploySharedPaths (e.g. 'app.log').");
        StringAssert.Contains(warning, "If the app must edit its own published files in place, set AtomicDeployCopyMode=copy");
        Assert.IsFalse(File.Exists(tree.ReleasePath(third, "app.log")), "what the warning says: not carried over");
        Assert.AreEqual("{\"a\":1}", tree.CurrentFile("appsettings.json"));

        source.Write("App.dll", "v4");
        var quiet = new RecordingLog();
        EngineDeploy.Deploy(server, root, source.Path, quiet);
        Assert.IsFalse(quiet.Warnings.Any(w => w.Code == ErrorCodes.AppWroteIntoRelease), "nothing written since: no warning");
    }

    [TestMethod]
    public void An_app_that_only_added_files_is_shown_the_folder_to_share_and_not_told_to_change_the_copy_mode()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("App.dll", "v1").Write("wwwroot/uploads/.keep", string.Empty);
        EngineDeploy.Deploy(server, root, source.Path);
        server.RunAsUser($"echo photo > '{root}/current/wwwroot/uploads/photo.jpg'");

        source.Write("App.dll", "v2");
        var log = new RecordingLog();
        EngineDeploy.Deploy(server, root, source.Path, log);

        var warning = log.Warnings.Single(w => w.Code == ErrorCodes.AppWroteIntoRelease).Message;
        StringAssert.Contains(warning, " Added: wwwroot/uploads/photo.jpg.");
        StringAssert.EndsWith(warning, "declare its folder or file in AtomicDeploySharedPaths (e.g. 'wwwroot/uploads/').");
        Assert.IsFalse(warning.Contains("CopyMode", StringComparison.Ordinal), warning);
    }
}
