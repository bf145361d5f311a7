using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// Per-host settings as <c>AtomicDeployHost</c> item metadata and role-wide ones as
/// <c>AtomicDeployRole</c> items: the host's own wins over its role's, which wins over the
/// properties; a metadata name or role that would silently apply nowhere is refused.
/// </summary>
[TestClass]
public sealed class HostAndRoleSettingsTests
{
    [TestMethod]
    public void A_hosts_own_metadata_wins_over_its_roles_which_wins_over_the_properties()
    {
        var settings = Parse(new DeployInputs
        {
            Host = "ci@web1:22;ci@web2:22;ci@worker1:22;ci@db1:22",
            HostItems =
            [
                Item("web1", ("User", "ci"), ("Port", "22"), ("Role", "web")),
                Item("web2", ("User", "ci"), ("Port", "22"), ("Role", "web"), ("AfterSwitchCommand", "restart web2"), ("HealthCheckUrl", "http://127.0.0.1:5002/health")),
                Item("worker1", ("User", "ci"), ("Port", "22"), ("Role", "Worker")),
                Item("db1", ("User", "ci"), ("Port", "22")),
            ],
            RoleItems = [Item("web", ("AfterSwitchCommand", "restart web")), Item("worker", ("AfterSwitchCommand", "restart worker"), ("HealthCheckUrl", "none"))],
            AfterSwitchCommand = "restart default",
            HealthCheckUrl = "http://127.0.0.1:5000/health",
        });

        var hooks = settings.Hosts.Select(h => (h.Role, h.Hooks!.AfterSwitchCommand, h.Hooks.HealthCheckUrl?.AbsoluteUri)).ToArray();
        CollectionAssert.AreEqual(
            new (string?, string?, string?)[]
            {
                ("web", "restart web", "http://127.0.0.1:5000/health"),
                ("web", "restart web2", "http://127.0.0.1:5002/health"),
                ("Worker", "restart worker", null),
                (null, "restart default", "http://127.0.0.1:5000/health"),
            },
            hooks);
    }

    [TestMethod]
    public void A_host_named_by_a_property_of_its_own_still_gets_its_items_settings()
    {
        // -p:AtomicDeployHost=... wins over the items; the host it names keeps its item's role and command.
        var settings = Parse(new DeployInputs
        {
            Host = "worker1",
            User = "ci",
            HostItems = [Item("web1", ("Role", "web")), Item("worker1", ("Role", "worker"), ("AfterSwitchCommand", "restart worker1"))],
            RoleItems = [Item("web", ("AfterSwitchCommand", "restart web"))],
            AfterSwitchCommand = "restart default",
        });

        var host = settings.Hosts.Single();
        Assert.AreEqual("ci@worker1:22", host.Name);
        Assert.AreEqual("worker", host.Role);
        Assert.AreEqual("restart worker1", host.Hooks!.AfterSwitchCommand);
    }

    [TestMethod]
    [DataRow("Rol", "Did you mean Role?")]
    [DataRow("AfterSwitchComand", "Did you mean AfterSwitchCommand?")]
    [DataRow("HealthCheck", "Did you mean HealthCheckUrl?")]
    public void A_metadata_name_the_tool_does_not_know_is_refused_with_the_name_it_is_near(string name, string hint)
    {
        var failure = Assert.ThrowsExactly<DeployException>(() => Parse(new DeployInputs { HostItems = [Item("web1", (name, "web"))] }));

        Assert.AreEqual(ErrorCodes.HostSettingUnknown, failure.Code);
        StringAssert.Contains(failure.Message, $"AtomicDeployHost 'web1' has the metadata '{name}'");
        StringAssert.Contains(failure.Message, hint);
    }

    [TestMethod]
    public void A_role_item_with_host_only_metadata_is_refused()
    {
        var failure = Assert.ThrowsExactly<DeployException>(() => Parse(new DeployInputs { HostItems = [Item("web1", ("Role", "web"))], RoleItems = [Item("web", ("Port", "2222"))] }));

        Assert.AreEqual(ErrorCodes.HostSettingUnknown, failure.Code);
        StringAssert.Contains(failure.Message, "AtomicDeployRole 'web' has the metadata 'Port'");
    }

    [TestMethod]
    public void A_role_no_host_has_a_role_declared_twice_and_two_roles_on_one_host_are_refused()
    {
        var unused = Assert.ThrowsExactly<DeployException>(() => Parse(new DeployInputs { HostItems = [Item("w1", ("Role", "worker"))], RoleItems = [Item("wroker", ("AfterSwitchCommand", "x"))] }));
        var twice = Assert.ThrowsExactly<DeployException>(() => Parse(new DeployInputs { HostItems = [Item("w1", ("Role", "worker"))], RoleItems = [Item("worker", ("AfterSwitchCommand", "x")), Item("Worker", ("AfterSwitchCommand", "y"))] }));
        var two = Assert.ThrowsExactly<DeployException>(() => Parse(new DeployInputs { HostItems = [Item("w1", ("Role", "web;worker"))] }));

        Assert.AreEqual(ErrorCodes.RoleInvalid, unused.Code);
        StringAssert.Contains(unused.Message, "AtomicDeployRole 'wroker' is not the Role of any AtomicDeployHost item (the hosts' roles are worker)");
        Assert.AreEqual(ErrorCodes.RoleInvalid, twice.Code);
        Assert.AreEqual(ErrorCodes.RoleInvalid, two.Code);
    }

    [TestMethod]
    public void A_hosts_role_without_settings_while_other_roles_have_some_is_a_warning_unless_it_is_the_run_once_role()
    {
        var log = new RecordingLog();
        DeploySettings.Parse(new DeployInputs
        {
            DeployPath = "/srv/app",
            Operation = DeployOperation.Inspect,
            HostItems = [Item("w1", ("Role", "worker")), Item("w2", ("Role", "wroker")), Item("m1", ("Role", "migrator"))],
            RoleItems = [Item("worker", ("AfterSwitchCommand", "x"))],
            OnceRole = "migrator",
        }, "/nonexistent-home", log);

        var warning = log.Warnings.Single();
        Assert.AreEqual(ErrorCodes.RoleWithoutSettings, warning.Code);
        StringAssert.Contains(warning.Message, "AtomicDeployHost 'w2' has Role 'wroker'");
    }

    [TestMethod]
    public void A_bad_health_check_url_of_a_host_names_the_host()
    {
        var failure = Assert.ThrowsExactly<DeployException>(() => Parse(new DeployInputs { HostItems = [Item("web1", ("HealthCheckUrl", "/health"))] }));

        Assert.AreEqual(ErrorCodes.HealthCheckUrlInvalid, failure.Code);
        StringAssert.Contains(failure.Message, "The HealthCheckUrl of AtomicDeployHost 'web1' is '/health'");
    }

    [TestMethod]
    public void The_run_once_command_runs_on_the_first_host_of_its_role_or_on_the_first_host()
    {
        HostItemsWithRoles(out var items);
        var byRole = Parse(new DeployInputs { HostItems = items, OnceCommand = "./efbundle", OnceRole = "migrator" });
        var first = Parse(new DeployInputs { HostItems = items, OnceCommand = "./efbundle" });
        var none = Parse(new DeployInputs { HostItems = items });

        Assert.AreEqual(1, byRole.Once!.HostIndex);
        Assert.AreEqual(0, first.Once!.HostIndex);
        Assert.IsNull(none.Once);
    }

    [TestMethod]
    public void A_run_once_role_no_host_of_the_deploy_has_is_refused()
    {
        HostItemsWithRoles(out var items);

        // Working on web1 alone: the migrator is not part of this deploy, so the command has nowhere to run.
        var failure = Assert.ThrowsExactly<DeployException>(() => Parse(new DeployInputs { Host = "web1", HostItems = items, OnceCommand = "./efbundle", OnceRole = "migrator" }));

        Assert.AreEqual(ErrorCodes.OnceSettingInvalid, failure.Code);
        StringAssert.Contains(failure.Message, "AtomicDeployOnceRole is 'migrator', and no host of this deploy has that Role (their roles are web)");
    }

    [TestMethod]
    [DataRow("DB;1X", ErrorCodes.OnceSettingInvalid)]
    [DataRow("DB=secret", ErrorCodes.OnceSettingInvalid)]
    [DataRow("DB;DB", ErrorCodes.OnceSettingInvalid)]
    [DataRow("ATOMICDEPLOY_TEST_UNSET_VARIABLE", ErrorCodes.OnceVariableMissing)]
    public void A_bad_or_unset_run_once_variable_is_refused_before_any_host_is_contacted(string names, string code)
    {
        var failure = Assert.ThrowsExactly<DeployException>(() => Parse(new DeployInputs { Host = "web1", OnceCommand = "./efbundle", OnceEnvironment = names, Operation = DeployOperation.Deploy }));

        Assert.AreEqual(code, failure.Code, failure.Message);
    }

    [TestMethod]
    public void A_dry_run_needs_no_value_of_the_run_once_variables()
    {
        var settings = Parse(new DeployInputs { Host = "web1", OnceCommand = "./efbundle", OnceEnvironment = "ATOMICDEPLOY_TEST_UNSET_VARIABLE", Operation = DeployOperation.Plan });

        CollectionAssert.AreEqual(new[] { "ATOMICDEPLOY_TEST_UNSET_VARIABLE" }, settings.Once!.VariableNames.ToArray());
    }

    [TestMethod]
    public void The_run_once_settings_print_no_value()
    {
        Environment.SetEnvironmentVariable("ATOMICDEPLOY_TEST_ONCE_SECRET", "s3cr3t-value");
        try
        {
            var settings = Parse(new DeployInputs { Host = "web1", OnceCommand = "./efbundle", OnceEnvironment = "ATOMICDEPLOY_TEST_ONCE_SECRET", Operation = DeployOperation.Deploy });

            Assert.DoesNotContain("s3cr3t-value", settings.ToString());
            Assert.DoesNotContain("s3cr3t-value", settings.Once!.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("ATOMICDEPLOY_TEST_ONCE_SECRET", null);
        }
    }

    private static void HostItemsWithRoles(out SettingsItem[] items) =>
        items = [Item("web1", ("Role", "web")), Item("db1", ("Role", "migrator")), Item("db2", ("Role", "migrator"))];

    private static SettingsItem Item(string name, params (string Name, string Value)[] metadata) =>
        new(name, metadata.ToDictionary(m => m.Name, m => m.Value, StringComparer.OrdinalIgnoreCase));

    private static DeploySettings Parse(DeployInputs inputs)
    {
        var checkedInputs = new DeployInputs
        {
            Host = inputs.Host,
            HostItems = inputs.HostItems,
            RoleItems = inputs.RoleItems,
            User = inputs.User ?? "ci",
            DeployPath = "/srv/app",
            AfterSwitchCommand = inputs.AfterSwitchCommand,
            HealthCheckUrl = inputs.HealthCheckUrl,
            OnceCommand = inputs.OnceCommand,
            OnceRole = inputs.OnceRole,
            OnceEnvironment = inputs.OnceEnvironment,
            Operation = inputs.Operation,
        };
        return DeploySettings.Parse(checkedInputs, "/nonexistent-home", new RecordingLog());
    }
}
