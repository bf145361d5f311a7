using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;

namespace AtomicDeploy.Tests.Unit;

/// <summary>Every setting is parsed and checked once, into one record, before any host is contacted.</summary>
[TestClass]
public sealed class DeploySettingsTests
{
    [TestMethod]
    public void Hosts_are_separated_by_semicolons_or_commas_and_local_names_this_machine()
    {
        var settings = Parse(new DeployInputs { Host = "deploy@web1:2222, web2;local", User = "ci", DeployPath = "/srv/app", Operation = DeployOperation.Inspect });

        CollectionAssert.AreEqual(new[] { "deploy@web1:2222", "ci@web2:22", "this machine" }, settings.Hosts.Select(h => h.Name).ToArray());
        Assert.IsNull(settings.Hosts[2].Ssh, "this machine is reached without SSH");
    }

    [TestMethod]
    public void No_host_is_one_host_this_machine()
    {
        var settings = Parse(new DeployInputs { DeployPath = "/srv/app", Operation = DeployOperation.Inspect });

        Assert.AreEqual(DeployTarget.Local, settings.Hosts.Single());
    }

    [TestMethod]
    [DataRow("KeepReleases", "0", ErrorCodes.KeepInvalid)]
    [DataRow("CopyMode", "symlink", ErrorCodes.CopyModeInvalid)]
    [DataRow("Parallelism", "none", ErrorCodes.ParallelismInvalid)]
    [DataRow("ConnectLimit", "0", ErrorCodes.ConnectLimitInvalid)]
    [DataRow("LockTimeout", "-1", ErrorCodes.TimeoutInvalid)]
    [DataRow("HealthCheckUrl", "/health", ErrorCodes.HealthCheckUrlInvalid)]
    [DataRow("HostKeyPolicy", "Yolo", ErrorCodes.HostKeySettingInvalid)]
    [DataRow("Host", "web1;web1", ErrorCodes.FleetHostRepeated)]
    [DataRow("DeployPath", "relative/path", ErrorCodes.PathUnsafe)]
    [DataRow("SourceDir", "/nonexistent/publish", ErrorCodes.SourceMissing)]
    public void A_bad_setting_is_its_own_coded_error(string property, string value, string code)
    {
        var inputs = new DeployInputs
        {
            Host = property == "Host" ? value : "web1",
            DeployPath = property == "DeployPath" ? value : "/srv/app",
            KeepReleases = property == "KeepReleases" ? value : null,
            CopyMode = property == "CopyMode" ? value : null,
            Parallelism = property == "Parallelism" ? value : null,
            ConnectLimit = property == "ConnectLimit" ? value : null,
            LockTimeout = property == "LockTimeout" ? value : null,
            HealthCheckUrl = property == "HealthCheckUrl" ? value : null,
            HostKeyPolicy = property == "HostKeyPolicy" ? value : null,
            SourceDir = property == "SourceDir" ? value : null,
        };

        var failure = Assert.ThrowsExactly<DeployException>(() => Parse(inputs));

        Assert.AreEqual(code, failure.Code, failure.Message);
    }

    [TestMethod]
    public void The_release_list_rollback_and_unlock_need_no_folder_to_deploy()
    {
        var settings = Parse(new DeployInputs { DeployPath = "/srv/app", SourceDir = "/nonexistent/publish", Operation = DeployOperation.Inspect });

        Assert.IsNull(settings.Source.Folder);
    }

    private static DeploySettings Parse(DeployInputs inputs) => DeploySettings.Parse(inputs, "/nonexistent-home", new RecordingLog());
}
