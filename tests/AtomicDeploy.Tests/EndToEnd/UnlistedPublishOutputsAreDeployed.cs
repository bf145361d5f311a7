namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// A file a publish writes without listing it (as the SDK writes a single-file bundle, or a
/// custom target its output) is deployed on every publish, even when the target that wrote it is
/// skipped as up to date; only files that an earlier publish listed and this one does not are stale.
/// </summary>
[TestClass]
public sealed class UnlistedPublishOutputsAreDeployed
{
    [TestMethod]
    public void An_unlisted_output_of_a_skipped_target_stays_in_every_release()
    {
        using var target = new TempFolder();
        var root = target.Combine("local");
        using var app = new WebApp();
        app.Write("Directory.Build.targets", """
            <Project>
              <Target Name="WriteBundle" AfterTargets="Publish" Inputs="$(MSBuildProjectFullPath)" Outputs="$(PublishDir)extra/bundle.bin">
                <WriteLinesToFile File="$(PublishDir)extra/bundle.bin" Lines="bundle" Overwrite="true" />
              </Target>
            </Project>
            """);

        var first = app.Publish("AtomicDeploy=true", $"AtomicDeployPath={root}");
        var bundle = Path.Combine(app.PublishFolder, "extra", "bundle.bin");
        var written = File.GetLastWriteTimeUtc(bundle);
        app.Write("wwwroot/index.html", "<h1>two</h1>");
        var second = app.Publish("AtomicDeploy=true", $"AtomicDeployPath={root}");

        Assert.AreEqual(0, first.ExitCode, first.All);
        Assert.AreEqual(0, second.ExitCode, second.All);
        Assert.AreEqual(written, File.GetLastWriteTimeUtc(bundle), "the target that writes the file was skipped the second time");
        var tree = new RemoteTree(root);
        Assert.AreEqual(2, tree.Releases.Length);
        Assert.AreEqual("bundle\n", tree.CurrentFile("extra/bundle.bin"));
        Assert.AreEqual("<h1>two</h1>", tree.CurrentFile("wwwroot/index.html"));
    }

    [TestMethod]
    public void A_file_from_a_publish_made_without_deploying_is_still_left_out_once_deleted()
    {
        using var target = new TempFolder();
        var root = target.Combine("local");
        using var app = new WebApp();
        Assert.AreEqual(0, app.Publish("AtomicDeploy=true", $"AtomicDeployPath={root}").ExitCode);
        app.Write("wwwroot/new.js", "let x = 1;");
        Assert.AreEqual(0, app.Publish().ExitCode, "a plain publish");
        app.Delete("wwwroot/new.js");

        // Forced: without the stale file nothing may have changed, and the release made is what is checked.
        var deploy = app.Publish("AtomicDeploy=true", $"AtomicDeployPath={root}", "AtomicDeployForce=true");

        Assert.AreEqual(0, deploy.ExitCode, deploy.All);
        Assert.IsTrue(File.Exists(Path.Combine(app.PublishFolder, "wwwroot", "new.js")), "dotnet publish left the deleted file in its folder");
        var tree = new RemoteTree(root);
        Assert.AreEqual(2, tree.Releases.Length);
        Assert.IsFalse(File.Exists(tree.ReleasePath(tree.Releases[^1], "wwwroot/new.js")));
        Assert.IsFalse(File.Exists(tree.ReleasePath(tree.Releases[^1], "wwwroot/new.js.gz")));
    }
}
