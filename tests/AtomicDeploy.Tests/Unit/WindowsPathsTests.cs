using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// Issue 19: Windows paths in the properties and in the publish items, with the platform injected
/// as the home folder and publish folder a Windows build has (<c>C:\Users\me</c>,
/// <c>C:\App\bin\Release\net10.0\publish\</c>): <c>%USERPROFILE%</c> and <c>~</c> in key, known_hosts
/// and ssh config files, the defaults under <c>%USERPROFILE%\.ssh</c>, paths with spaces kept whole,
/// and publish items with <c>\</c> separators compared without case, as NTFS does.
/// </summary>
[TestClass]
public sealed class WindowsPathsTests
{
    private const string Home = @"C:\Users\Jo Smith";

    [TestMethod]
    [DataRow(@"%USERPROFILE%\.ssh\deploy_ed25519", @"C:\Users\Jo Smith\.ssh\deploy_ed25519")]
    [DataRow(@"%userprofile%\.ssh\deploy_ed25519", @"C:\Users\Jo Smith\.ssh\deploy_ed25519")]
    [DataRow(@"~\.ssh\deploy_ed25519", @"C:\Users\Jo Smith\.ssh\deploy_ed25519")]
    [DataRow("~/.ssh/deploy_ed25519", @"C:\Users\Jo Smith\.ssh\deploy_ed25519")]
    [DataRow("~", Home)]
    [DataRow(@"C:\keys\id_ed25519", @"C:\keys\id_ed25519")]
    [DataRow(@"%KEYS%\ci\id_ed25519", @"D:\secrets\ci\id_ed25519")]
    [DataRow(@"%NOT_SET%\id_ed25519", @"%NOT_SET%\id_ed25519")]
    [DataRow(@"C:\100%\%KEYS%\id", @"C:\100%\D:\secrets\id")]
    public void On_Windows_a_path_property_means_what_cmd_and_OpenSSH_make_of_it(string written, string meant)
    {
        Assert.AreEqual(meant, LocalPath.Expand(written, Home, name => name == "KEYS" ? @"D:\secrets" : null));
    }

    [TestMethod]
    public void Off_Windows_only_the_tilde_is_the_home_folder()
    {
        Assert.AreEqual("/home/jo/.ssh/deploy", LocalPath.Expand("~/.ssh/deploy", "/home/jo", _ => "x"));
        Assert.AreEqual("%USERPROFILE%/.ssh/deploy", LocalPath.Expand("%USERPROFILE%/.ssh/deploy", "/home/jo", _ => "x"));
        Assert.AreEqual(@"~\deploy", LocalPath.Expand(@"~\deploy", "/home/jo", _ => "x"), "a backslash is a character of a Linux file name");
    }

    [TestMethod]
    public void The_settings_of_a_Windows_build_read_the_keys_and_known_hosts_under_USERPROFILE()
    {
        var defaults = Ssh(new DeployInputs { Host = "deploy@web1", DeployPath = "/srv/app", Operation = DeployOperation.Inspect });

        Assert.AreEqual(@"C:\Users\Jo Smith\.ssh\known_hosts", defaults.KnownHostsFile);
        Assert.IsNull(defaults.PrivateKeyFile);
        CollectionAssert.AreEqual(
            new[] { @"C:\Users\Jo Smith\.ssh\id_ed25519", @"C:\Users\Jo Smith\.ssh\id_ecdsa", @"C:\Users\Jo Smith\.ssh\id_rsa" },
            SshCredentials.DefaultKeyFiles(Home).ToArray());

        var named = Ssh(new DeployInputs
        {
            Host = "deploy@web1",
            DeployPath = "/srv/app",
            Operation = DeployOperation.Inspect,
            PrivateKeyFile = @" %USERPROFILE%\.ssh\deploy_ed25519 ",
            KnownHostsFile = @"C:\Users\Jo Smith\Documents\deploy known_hosts",
        });

        Assert.AreEqual(@"C:\Users\Jo Smith\.ssh\deploy_ed25519", named.PrivateKeyFile);
        Assert.AreEqual(@"C:\Users\Jo Smith\Documents\deploy known_hosts", named.KnownHostsFile, "a path with a space is one file");
    }

    [TestMethod]
    public void A_Windows_publish_lists_its_items_with_backslashes_and_a_file_left_behind_is_stale_whatever_its_case()
    {
        using var folder = new TempFolder();
        var record = folder.Combine("AtomicDeploy.PublishOutputs.txt");
        File.WriteAllLines(record, [
            @"C:\App\bin\Release\net10.0\publish\MyShop.dll",
            @"C:\App\bin\Release\net10.0\publish\wwwroot\js\old.js",
            @"C:\App\bin\Release\net10.0\publish\wwwroot\css\Site.css",
        ]);

        var stale = PublishOutputRecord.Stale(
            record,
            [@"C:\app\BIN\Release\net10.0\publish\MyShop.dll", @"wwwroot\css\site.css", @"C:\Other\outside.txt", @"..\escape.txt"],
            @"C:\App\bin\Release\net10.0\publish\");

        CollectionAssert.AreEquivalent(new[] { "wwwroot/js/old.js" }, stale.ToArray());
        Assert.Contains("WWWROOT/JS/OLD.JS", stale, "NTFS compares names without case");
    }

    [TestMethod]
    [DataRow(@"\\build\share\App\publish\")]
    [DataRow(@"\\?\C:\App\publish\")]
    [DataRow(@"C:/App/publish")]
    public void Share_long_and_forward_slash_publish_folders_and_dot_steps_are_understood(string sourceDir)
    {
        var prefix = sourceDir.TrimEnd('\\', '/');
        var separator = sourceDir.Contains('/', StringComparison.Ordinal) ? "/" : "\\";

        var relative = PublishOutputRecord.Relative(
            [$"{prefix}{separator}MyShop.dll", $"{prefix}{separator}.{separator}wwwroot{separator}a.css", $"{prefix}{separator}bin{separator}..{separator}b.txt", $"{prefix}{separator}..{separator}outside.txt", @"wwwroot\js\..\c.js"],
            sourceDir);

        CollectionAssert.AreEquivalent(new[] { "MyShop.dll", "wwwroot/a.css", "b.txt", "wwwroot/c.js" }, relative.ToArray(), string.Join(", ", relative));
    }

    private static SshSettings Ssh(DeployInputs inputs) => DeploySettings.Parse(inputs, Home, new RecordingLog()).Hosts.Single().Ssh!;
}
