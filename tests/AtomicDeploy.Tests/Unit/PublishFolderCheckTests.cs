using AtomicDeploy.Core;
using AtomicDeploy.Core.Manifest;

namespace AtomicDeploy.Tests.Unit;

/// <summary>Issue 17, items 5 and 7: links that leave the publish folder, and names that are not UTF-8.</summary>
[TestClass]
public sealed class PublishFolderCheckTests
{
    [TestMethod]
    public void A_link_inside_the_publish_folder_passes_and_deploys_the_file_it_points_to()
    {
        using var folder = new TempFolder();
        var publish = Publish(folder);
        File.WriteAllText(Path.Combine(publish, "wwwroot", "app.js"), "let x;");
        File.CreateSymbolicLink(Path.Combine(publish, "wwwroot", "latest.js"), "app.js");

        PublishFolderCheck.Check(publish, allowLinksOutside: false);
        var manifest = PublishFolderScanner.Scan(publish, null, new RecordingLog(), CancellationToken.None);

        Assert.AreEqual(manifest.ByPath["wwwroot/app.js"].Sha256, manifest.ByPath["wwwroot/latest.js"].Sha256);
    }

    [TestMethod]
    public void A_link_to_a_file_outside_is_refused_naming_the_link_and_its_target()
    {
        using var folder = new TempFolder();
        var publish = Publish(folder);
        var secret = folder.Combine("id_ed25519");
        File.WriteAllText(secret, "PRIVATE KEY");
        File.CreateSymbolicLink(Path.Combine(publish, "wwwroot", "key.txt"), secret);

        var error = Assert.ThrowsExactly<DeployException>(() => PublishFolderCheck.Check(publish, allowLinksOutside: false));

        Assert.AreEqual(ErrorCodes.LinkLeavesPublishFolder, error.Code);
        StringAssert.Contains(error.Message, $"'wwwroot/key.txt' in the publish folder is a symlink to '{secret}'");
        StringAssert.Contains(error.Message, "AtomicDeployAllowLinksOutside=true");
        PublishFolderCheck.Check(publish, allowLinksOutside: true);
    }

    [TestMethod]
    public void A_link_that_leaves_through_a_linked_folder_on_the_way_is_refused_too()
    {
        using var folder = new TempFolder();
        var publish = Publish(folder);
        Directory.CreateDirectory(folder.Combine("elsewhere"));
        File.WriteAllText(folder.Combine("elsewhere", "passwd"), "root:x:0:0");
        Directory.CreateSymbolicLink(Path.Combine(publish, "out"), folder.Combine("elsewhere"));
        File.CreateSymbolicLink(Path.Combine(publish, "wwwroot", "users.txt"), "../out/passwd");

        var error = Assert.ThrowsExactly<DeployException>(() => PublishFolderCheck.Check(publish, allowLinksOutside: false));

        StringAssert.Contains(error.Message, $"is a symlink to '{folder.Combine("elsewhere", "passwd")}'");
    }

    [TestMethod]
    public void A_name_that_is_not_UTF8_is_an_error_naming_it_with_its_bytes_escaped()
    {
        using var folder = new TempFolder();
        var publish = Publish(folder);
        ProcessRunner.Check("sh", "-c", "printf x > \"$1/wwwroot/$(printf 'caf\\351.txt')\"", "sh", publish);

        var scan = Assert.ThrowsExactly<DeployException>(() => PublishFolderScanner.Scan(publish, null, new RecordingLog(), CancellationToken.None));
        var check = Assert.ThrowsExactly<DeployException>(() => PublishFolderCheck.Check(publish, allowLinksOutside: false));

        foreach (var error in new[] { scan, check })
        {
            Assert.AreEqual(ErrorCodes.NameNotUtf8, error.Code);
            StringAssert.Contains(error.Message, @"'wwwroot/caf\xe9.txt'");
            Assert.DoesNotContain("\uFFFD", error.Message);
        }
    }

    [TestMethod]
    public void A_name_with_a_real_replacement_character_is_fine()
    {
        using var folder = new TempFolder();
        var publish = Publish(folder);
        File.WriteAllText(Path.Combine(publish, "wwwroot", "odd\uFFFD.txt"), "x");

        PublishFolderCheck.Check(publish, allowLinksOutside: false);
        Assert.IsTrue(PublishFolderScanner.Scan(publish, null, new RecordingLog(), CancellationToken.None).ByPath.ContainsKey("wwwroot/odd\uFFFD.txt"));
    }

    [TestMethod]
    public void Escaped_names_show_only_printable_ascii()
    {
        Assert.AreEqual(@"a\\b\x1b[31m\xe9\x0a", Core.Manifest.RawFileNames.Escape([(byte)'a', (byte)'\\', (byte)'b', 0x1b, (byte)'[', (byte)'3', (byte)'1', (byte)'m', 0xe9, 0x0a]));
    }

    private static string Publish(TempFolder folder)
    {
        var publish = folder.Combine("publish");
        Directory.CreateDirectory(Path.Combine(publish, "wwwroot"));
        File.WriteAllText(Path.Combine(publish, "MyShop.dll"), "dll");
        return publish;
    }
}
