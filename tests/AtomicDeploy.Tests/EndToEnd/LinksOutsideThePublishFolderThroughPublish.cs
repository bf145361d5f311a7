namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>Issue 17, item 5, through <c>dotnet publish</c>: a link in the folder to deploy that points outside it.</summary>
[TestClass]
public sealed class LinksOutsideThePublishFolderThroughPublish
{
    [TestMethod]
    public void A_link_to_a_file_outside_fails_the_publish_naming_both_and_changes_nothing()
    {
        using var target = new TempFolder();
        var root = target.Combine("local");
        var secret = target.Combine("id_ed25519");
        File.WriteAllText(secret, "PRIVATE KEY");
        var folder = target.Combine("site");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "index.html"), "home");
        File.CreateSymbolicLink(Path.Combine(folder, "key.txt"), secret);
        using var app = new WebApp();

        var refused = app.Publish("AtomicDeploy=true", $"AtomicDeployPath={root}", $"AtomicDeploySourceDir={folder}");

        Assert.AreNotEqual(0, refused.ExitCode);
        StringAssert.Contains(refused.Output, $"error AD0312: 'key.txt' in the publish folder is a symlink to '{secret}'");
        Assert.IsFalse(Directory.Exists(Path.Combine(root, "releases")), "nothing was created on the target");

        var allowed = app.Run("msbuild", "-t:AtomicDeploy", "-p:Configuration=Release", "-p:AtomicDeploy=true", $"-p:AtomicDeployPath={root}", $"-p:AtomicDeploySourceDir={folder}", "-p:AtomicDeployAllowLinksOutside=true");

        Assert.AreEqual(0, allowed.ExitCode, allowed.All);
        Assert.AreEqual("PRIVATE KEY", new RemoteTree(root).CurrentFile("key.txt"), "with the opt-in, what the link points to is deployed");
    }
}
