using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// A fleet with web and worker roles through <c>dotnet publish</c>: each host runs the after-switch
/// command and health check its own metadata, its role or the properties give it, in that order;
/// a typo in a metadata name is refused before any host is contacted.
/// </summary>
[TestClass]
public sealed class RolesThroughPublish
{
    [TestMethod]
    public void Web_and_worker_hosts_run_their_own_roles_after_switch_commands_and_health_checks()
    {
        SshFleet.RequireRoot();

        using var fleet = new SshFleet(4);
        using var app = new WebApp();
        using var webHealth = new TestWebServer(200, "web ok");
        using var defaultHealth = new TestWebServer(200, "default ok");
        var s = fleet.Servers;
        string[] properties =
        [
            "AtomicDeploy=true",
            $"AtomicDeployPath={fleet.Root}",
            $"AtomicDeployPrivateKeyFile={fleet.ClientKeyFile}",
            $"AtomicDeployKnownHostsFile={fleet.KnownHostsFile}",
        ];

        // A typo (Rol=) is refused before any host is contacted: no host gets the wrong command.
        app.Write("Directory.Build.props", Props(s, webHealth.Url, defaultHealth.Url, workerRole: "Rol"));
        var typo = app.Publish(properties);

        Assert.AreNotEqual(0, typo.ExitCode, typo.All);
        StringAssert.Contains(typo.Output, $"error {ErrorCodes.HostSettingUnknown}:", typo.Output);
        StringAssert.Contains(typo.Output, $"AtomicDeployHost '127.0.0.1' has the metadata 'Rol', which AtomicDeploy does not know. Did you mean Role?");
        Assert.IsTrue(s.All(server => server.AcceptedLogins == 0), "no host was contacted");

        app.Write("Directory.Build.props", Props(s, webHealth.Url, defaultHealth.Url, workerRole: "Role"));
        var result = app.Publish(properties);

        Assert.AreEqual(0, result.ExitCode, result.All);
        var release = new RemoteTree(SshFleet.RootOn(s[0])).Releases.Single();
        string[] expected = ["web", "web2-own", "worker", "default"];
        for (var i = 0; i < s.Count; i++)
        {
            var tree = new RemoteTree(SshFleet.RootOn(s[i]));
            Assert.AreEqual($"releases/{release}", tree.CurrentLink, s[i].HostSpec);
            Assert.AreEqual($"{expected[i]} {release}\n", File.ReadAllText(Path.Combine(tree.Root, "after-switch.log")), $"the after-switch command that ran on {s[i].HostSpec}");
        }

        // web1 and web2 check their role's URL, the worker none, the host without a role the property's.
        StringAssert.Contains(result.Output, $"health check {webHealth.Url} on {s[0].HostSpec} answered 200");
        StringAssert.Contains(result.Output, $"health check {webHealth.Url} on {s[1].HostSpec} answered 200");
        StringAssert.Contains(result.Output, $"health check {defaultHealth.Url} on {s[3].HostSpec} answered 200");
        Assert.DoesNotContain($"on {s[2].HostSpec} answered", result.Output, "the worker role has no health check");
        Assert.AreEqual(2, webHealth.Requests);
        Assert.AreEqual(1, defaultHealth.Requests);

        // Working on the worker alone (the property wins over the items): it keeps its role's command.
        app.Write("wwwroot/index.html", "<h1>worker only</h1>");
        var one = app.Publish([.. properties, $"AtomicDeployHost={s[2].HostSpec}"]);

        Assert.AreEqual(0, one.ExitCode, one.All);
        var workerTree = new RemoteTree(SshFleet.RootOn(s[2]));
        var second = workerTree.Releases.Last();
        Assert.AreNotEqual(release, second);
        Assert.AreEqual($"worker {release}\nworker {second}\n", File.ReadAllText(Path.Combine(workerTree.Root, "after-switch.log")));
        Assert.AreEqual($"web {release}\n", File.ReadAllText(Path.Combine(SshFleet.RootOn(s[0]), "after-switch.log")), "the other hosts were not deployed to");
    }

    /// <summary>Four hosts: web1 and web2 of role web (web2 with its own command), worker1 of role worker, and one without a role.</summary>
    private static string Props(IReadOnlyList<SshServer> s, string webUrl, string defaultUrl, string workerRole)
    {
        static string Marker(string name) => $"echo {name} $ATOMICDEPLOY_RELEASE &gt;&gt; &quot;$ATOMICDEPLOY_PATH/after-switch.log&quot;";
        return $"""
            <Project>
              <PropertyGroup>
                <AtomicDeployAfterSwitchCommand>echo default $ATOMICDEPLOY_RELEASE &gt;&gt; "$ATOMICDEPLOY_PATH/after-switch.log"</AtomicDeployAfterSwitchCommand>
                <AtomicDeployHealthCheckUrl>{defaultUrl}</AtomicDeployHealthCheckUrl>
              </PropertyGroup>
              <ItemGroup>
                <AtomicDeployRole Include="web" AfterSwitchCommand="{Marker("web")}" HealthCheckUrl="{webUrl}" />
                <AtomicDeployRole Include="worker" AfterSwitchCommand="{Marker("worker")}" HealthCheckUrl="none" />
                <AtomicDeployHost Include="127.0.0.1" Port="{s[0].Port}" User="{s[0].User}" Role="web" />
                <AtomicDeployHost Include="127.0.0.1" Port="{s[1].Port}" User="{s[1].User}" Role="web" AfterSwitchCommand="{Marker("web2-own")}" />
                <AtomicDeployHost Include="127.0.0.1" Port="{s[2].Port}" User="{s[2].User}" {workerRole}="worker" />
                <AtomicDeployHost Include="127.0.0.1" Port="{s[3].Port}" User="{s[3].User}" />
              </ItemGroup>
            </Project>
            """;
    }
}
