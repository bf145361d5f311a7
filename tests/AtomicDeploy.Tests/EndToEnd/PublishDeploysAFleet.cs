namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// <c>dotnet publish -p:AtomicDeploy=true</c> with several hosts, as a user writes them: in the
/// <c>AtomicDeployHost</c> property (comma-separated here; the items give a <c>;</c>-list), and as items with per-host settings.
/// </summary>
[TestClass]
public sealed class PublishDeploysAFleet
{
    [TestMethod]
    public void Every_host_of_the_property_and_of_the_items_gets_the_same_release_with_one_summary_line_each()
    {
        SshFleet.RequireRoot();

        using var fleet = new SshFleet(3);
        using var app = new WebApp();
        string[] properties =
        [
            "AtomicDeploy=true",
            $"AtomicDeployPath={fleet.Root}",
            $"AtomicDeployPrivateKeyFile={fleet.ClientKeyFile}",
            $"AtomicDeployKnownHostsFile={fleet.KnownHostsFile}",
        ];

        var first = app.Publish([.. properties, $"AtomicDeployHost=\"{fleet.HostList.Replace(';', ',')}\""]);

        Assert.AreEqual(0, first.ExitCode, first.All);
        var release1 = AssertAllOn(fleet, first.Output, "Hello from HelloWeb");
        Assert.IsTrue(fleet.Servers.All(s => s.AcceptedLogins == 1), "one connection per host for the whole deploy");

        // The same fleet written as items, in each form: port and user as metadata, or in the name.
        var user = fleet.Servers[0].User;
        app.Write("Directory.Build.props", $"""
            <Project>
              <ItemGroup>
                <AtomicDeployHost Include="127.0.0.1" Port="{fleet.Servers[1].Port}" User="{user}" />
                <AtomicDeployHost Include="{user}@127.0.0.1" Port="{fleet.Servers[2].Port}" />
                <AtomicDeployHost Include="{fleet.Servers[0].HostSpec}" />
              </ItemGroup>
            </Project>
            """);
        app.Write("wwwroot/index.html", "<h1>version two</h1>");
        var second = app.Publish([.. properties, "AtomicDeployParallelism=2"]);

        Assert.AreEqual(0, second.ExitCode, second.All);
        var release2 = AssertAllOn(fleet, second.Output, "version two");
        Assert.AreNotEqual(release1, release2);
        StringAssert.Contains(second.Output, "working on 2 at a time");
    }

    private static string AssertAllOn(SshFleet fleet, string output, string page)
    {
        var release = new RemoteTree(SshFleet.RootOn(fleet.Servers[0])).Releases.Last();
        foreach (var server in fleet.Servers)
        {
            var tree = new RemoteTree(SshFleet.RootOn(server));
            Assert.AreEqual($"releases/{release}", tree.CurrentLink, server.HostSpec);
            StringAssert.Contains(tree.CurrentFile("wwwroot/index.html"), page);
            StringAssert.Contains(output, $"AtomicDeploy: [{server.HostSpec}] release {release}: ", output);
        }

        StringAssert.Contains(output, $"AtomicDeploy: deployed release {release} to {fleet.Root} on {fleet.Servers.Count} hosts");
        return release;
    }
}
