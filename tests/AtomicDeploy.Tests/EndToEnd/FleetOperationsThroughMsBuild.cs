using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>
/// The release list, the dry run, rollback and unlock against a fleet, as a user runs them with
/// <c>dotnet msbuild -t:...</c>: one section per host; a rollback to a release one host lacks is
/// refused on every host and changes nothing.
/// </summary>
[TestClass]
public sealed class FleetOperationsThroughMsBuild
{
    [TestMethod]
    public void List_dry_run_rollback_and_unlock_work_on_every_host_and_a_release_one_host_lacks_changes_none()
    {
        SshFleet.RequireRoot();

        using var fleet = new SshFleet(2);
        using var app = new WebApp();
        string[] connection =
        [
            // MSBuild's -p splits on ',' as on ';' unless the value is quoted; inside quotes either separates hosts.
            $"AtomicDeployHost=\"{fleet.HostList.Replace(';', ',')}\"",
            $"AtomicDeployPath={fleet.Root}",
            $"AtomicDeployPrivateKeyFile={fleet.ClientKeyFile}",
            $"AtomicDeployKnownHostsFile={fleet.KnownHostsFile}",
        ];
        string[] deploy = ["AtomicDeploy=true", .. connection];
        var trees = fleet.Servers.Select(s => new RemoteTree(SshFleet.RootOn(s))).ToArray();
        var releases = new List<string>();
        foreach (var page in new[] { "one", "two", "three" })
        {
            app.Write("wwwroot/index.html", $"<h1>{page}</h1>");
            var published = app.Publish(deploy);
            Assert.AreEqual(0, published.ExitCode, published.All);
            releases.Add(trees[0].Releases.Last());
        }

        var list = app.RunTarget("AtomicDeployReleases", connection);

        Assert.AreEqual(0, list.ExitCode, list.All);
        foreach (var server in fleet.Servers)
        {
            var section = list.Output.IndexOf($"AtomicDeploy: releases in {fleet.Root} on {server.HostSpec} (* = live):", StringComparison.Ordinal);
            Assert.IsGreaterThanOrEqualTo(0, section, list.Output);
            StringAssert.Matches(list.Output[section..], new System.Text.RegularExpressions.Regex($@"{releases[2]} +\*"), list.Output);
        }

        var before = fleet.Servers.Select(s => RemoteTree.Snapshot(SshFleet.RootOn(s))).ToArray();
        app.Write("wwwroot/index.html", "<h1>four</h1>");
        var dry = app.Publish([.. deploy, "AtomicDeployDryRun=true"]);

        Assert.AreEqual(0, dry.ExitCode, dry.All);
        foreach (var server in fleet.Servers)
        {
            StringAssert.Contains(dry.Output, $"AtomicDeploy: [{server.HostSpec}] DRY RUN, nothing was changed: would deploy release", dry.Output);
        }

        CollectionAssert.AreEqual(before[0], RemoteTree.Snapshot(SshFleet.RootOn(fleet.Servers[0])), "a dry run changes nothing");

        // The second host loses the first release: a rollback to it must not move the first host either.
        Directory.Delete(trees[1].ReleasePath(releases[0]), recursive: true);
        before = fleet.Servers.Select(s => RemoteTree.Snapshot(SshFleet.RootOn(s))).ToArray();
        var lacking = app.RunTarget("AtomicDeployRollback", [.. connection, $"AtomicDeployRollbackTo={releases[0]}"]);

        Assert.AreNotEqual(0, lacking.ExitCode, lacking.All);
        StringAssert.Contains(lacking.Output, $"MyShop.csproj : error {ErrorCodes.RollbackTargetUnknown}:", "a step task's error points at the project OpenDeployment was given");
        StringAssert.Contains(lacking.Output, fleet.Servers[1].HostSpec);
        for (var i = 0; i < fleet.Servers.Count; i++)
        {
            CollectionAssert.AreEqual(before[i], RemoteTree.Snapshot(SshFleet.RootOn(fleet.Servers[i])), $"host {i} is unchanged");
        }

        // Gone from both hosts: the error names both, each with its releases.
        Directory.Delete(trees[0].ReleasePath(releases[0]), recursive: true);
        var lackingOnBoth = app.RunTarget("AtomicDeployRollback", [.. connection, $"AtomicDeployRollbackTo={releases[0]}"]);
        var error = lackingOnBoth.Output.Split('\n').First(l => l.Contains($"error {ErrorCodes.RollbackTargetUnknown}:", StringComparison.Ordinal));
        foreach (var server in fleet.Servers)
        {
            StringAssert.Contains(error, $"on {server.HostSpec} (its releases: {releases[2]}, {releases[1]})", error);
        }

        var rollback = app.RunTarget("AtomicDeployRollback", connection);

        Assert.AreEqual(0, rollback.ExitCode, rollback.All);
        foreach (var (tree, server) in trees.Zip(fleet.Servers))
        {
            Assert.AreEqual($"releases/{releases[1]}", tree.CurrentLink, server.HostSpec);
            StringAssert.Contains(rollback.Output, $"rolled back {fleet.Root} on {server.HostSpec}: current -> releases/{releases[1]}");
        }

        var unlock = app.RunTarget("AtomicDeployUnlock", connection);

        Assert.AreEqual(0, unlock.ExitCode, unlock.All);
        foreach (var server in fleet.Servers)
        {
            StringAssert.Contains(unlock.Output, $"AtomicDeploy: [{server.HostSpec}] {fleet.Root} on {server.HostSpec} has no deploy lock; nothing to remove.");
        }
    }
}
