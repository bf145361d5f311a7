using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Operations;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Unit;

/// <summary>Two-slot mode's settings, checked before any server is touched, and its scripts as text and as sh runs them.</summary>
[TestClass]
public sealed class AppSlotSettingsTests
{
    [TestMethod]
    public void Without_ports_two_slot_mode_is_off()
    {
        Assert.IsNull(Parse(new DeployInputs { DeployPath = "/srv/app", AppStartCommand = "start" }).Slots);
    }

    [TestMethod]
    public void A_service_gives_the_systemd_template_commands_and_the_defaults_fill_the_rest()
    {
        var slots = Parse(new DeployInputs { DeployPath = "/srv/app", AppPorts = "5001; 5002", Service = "myshop" }).Slots!;

        CollectionAssert.AreEqual(new[] { 5001, 5002 }, slots.Ports.ToArray());
        Assert.AreEqual("sudo systemctl start myshop@$ATOMICDEPLOY_APP_PORT", slots.StartCommand);
        Assert.AreEqual("sudo systemctl stop myshop@$ATOMICDEPLOY_APP_PORT", slots.StopCommand);
        Assert.AreEqual("sudo systemctl reload nginx", slots.ProxyReloadCommand);
        Assert.AreEqual(TimeSpan.FromSeconds(60), slots.StartTimeout);
        Assert.AreEqual(new Uri("http://127.0.0.1:5002/"), slots.HealthUrl(slots.IdlePort(5001)));
        Assert.AreEqual(5001, slots.IdlePort(null), "the first deploy takes the first port");
    }

    [TestMethod]
    [DataRow("5001", null, "start", ErrorCodes.AppPortsNotTwo)]
    [DataRow("5001;5002;5003", null, "start", ErrorCodes.AppPortsNotTwo)]
    [DataRow("5001;5001", null, "start", ErrorCodes.AppPortsEqual)]
    [DataRow("80;5002", null, "start", ErrorCodes.AppPortOutOfRange)]
    [DataRow("5001;65536", null, "start", ErrorCodes.AppPortOutOfRange)]
    [DataRow("5001;http", null, "start", ErrorCodes.AppPortOutOfRange)]
    [DataRow("5001;5002", null, null, ErrorCodes.AppCommandMissing)]
    [DataRow("5001;5002", "my shop", null, ErrorCodes.AppSlotSettingInvalid)]
    [DataRow("5001;5002", "health", "start", ErrorCodes.AppSlotSettingInvalid)]
    public void Bad_two_slot_input_is_a_coded_error_before_any_host_is_contacted(string ports, string? serviceOrPath, string? start, string code)
    {
        var inputs = new DeployInputs
        {
            Host = "web1",
            DeployPath = "/srv/app",
            AppPorts = ports,
            AppStartCommand = start,
            AppStopCommand = start is null ? null : "stop",
            Service = serviceOrPath == "my shop" ? serviceOrPath : null,
            AppHealthPath = serviceOrPath == "health" ? serviceOrPath : null,
        };

        var failure = Assert.ThrowsExactly<DeployException>(() => Parse(inputs));

        Assert.AreEqual(code, failure.Code, failure.Message);
    }

    [TestMethod]
    public void The_proxy_flip_replaces_upstream_conf_by_rename_and_the_commands_see_the_slot()
    {
        using var folder = new TempFolder();
        var root = folder.Combine("app");
        Directory.CreateDirectory(Path.Combine(root, "releases", "20260101000000"));
        File.WriteAllText(Path.Combine(root, "upstream.conf"), "server 127.0.0.1:5001;\n");

        var read = Sh(SlotScripts.Read(root, [5001, 5002]));
        Sh(SlotScripts.PointSlot(root, 5002, "20260101000000"));
        var flip = Sh(SlotScripts.Flip(root, "20260101000000", 5002, "echo \"$ATOMICDEPLOY_APP_PORT $ATOMICDEPLOY_RELEASE $(pwd)\"", TimeSpan.FromSeconds(10)));

        Assert.AreEqual("live 5001\n", read);
        Assert.AreEqual("../releases/20260101000000", new FileInfo(Path.Combine(root, "slots", "5002")).LinkTarget);
        Assert.AreEqual("server 127.0.0.1:5002;\n", File.ReadAllText(Path.Combine(root, "upstream.conf")));
        Assert.AreEqual($"5002 20260101000000 {root}/releases/20260101000000\n", flip);
        Assert.AreEqual("live 5002\nslot 5002 20260101000000\n", Sh(SlotScripts.Read(root, [5001, 5002])));
        StringAssert.Contains(SlotScripts.Flip(root, "r", 5002, "x", TimeSpan.FromSeconds(1)), "mv -f -- .upstream.conf.tmp upstream.conf");
    }

    private static DeploySettings Parse(DeployInputs inputs) => DeploySettings.Parse(inputs, "/nonexistent-home", new RecordingLog());

    private static string Sh(string script)
    {
        var result = ProcessRunner.Run("sh", ["-c", script]);
        Assert.AreEqual(0, result.ExitCode, result.All);
        return result.Output;
    }
}
