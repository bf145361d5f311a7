using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Remote;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// Issue 18 (cold start): a host connected ahead is a connection the deploy takes, with its lock
/// script started armed: it holds the lock if that is free, changes nothing, and goes on only when
/// the deploy asks for the lock; a build that does not deploy frees it. A connection that fails
/// ahead fails where the deploy takes it, coded as a connection made then would have failed.
/// </summary>
[TestClass]
public sealed class ConnectAheadOverSsh
{
    [TestMethod]
    public void A_connection_made_ahead_changes_nothing_on_a_server_never_deployed_to()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        var ahead = Assert.ContainsSingle(HostAhead.Start(Settings(server, root, server.KnownHostsFile), _ => null, "/nonexistent-home"));

        using var shell = ahead.Take(CancellationToken.None);

        Assert.IsFalse(Directory.Exists(root), "the lock asked for ahead made no folder");
        Assert.AreEqual("ok\n", shell.Run("echo ok", null, TimeSpan.FromSeconds(30), CancellationToken.None).Output);
        Assert.AreEqual(server.HostSpec, shell.Name);
    }

    [TestMethod]
    public void The_lock_taken_ahead_changes_nothing_and_the_deploy_goes_on_with_it()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        EngineDeploy.Deploy(server, root, source.Path);
        source.Write("app.dll", "v2");
        var before = Snapshot(root);
        var ahead = Assert.ContainsSingle(HostAhead.Start(Settings(server, root, server.KnownHostsFile), _ => null, "/nonexistent-home"));

        var shell = ahead.Take(CancellationToken.None);

        Wait.Until(() => !LockIsFree(server, root), TimeSpan.FromSeconds(20), "the armed lock script to take the free lock");
        CollectionAssert.AreEqual(before, Snapshot(root), "taking the lock ahead changed nothing on the server");
        var log = new RecordingLog();
        EngineDeploy.Deploy(shell, root, source.Path, log);
        Assert.IsTrue(((ArmedLockShell)shell).Used, "the deploy went on with the lock taken ahead");
        Assert.AreEqual("v2", new RemoteTree(root).CurrentFile("app.dll"));
        Assert.IsTrue(LockIsFree(server, root), "the deploy's end frees the lock");
    }

    [TestMethod]
    public void A_build_that_does_not_deploy_frees_the_lock_taken_ahead_and_leaves_the_server_as_it_was()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        EngineDeploy.Deploy(server, root, source.Path);
        var before = Snapshot(root);
        var ahead = Assert.ContainsSingle(HostAhead.Start(Settings(server, root, server.KnownHostsFile), _ => null, "/nonexistent-home"));
        var shell = ahead.Take(CancellationToken.None);
        Wait.Until(() => !LockIsFree(server, root), TimeSpan.FromSeconds(20), "the armed lock script to take the free lock");

        shell.Dispose();

        Assert.IsTrue(LockIsFree(server, root));
        CollectionAssert.AreEqual(before, Snapshot(root));
    }

    [TestMethod]
    public void A_lock_held_when_connecting_ahead_is_waited_for_by_the_deploy_not_ahead()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder().Write("app.dll", "v1");
        EngineDeploy.Deploy(server, root, source.Path);
        source.Write("app.dll", "v2");
        using var holder = EngineDeploy.Connect(EngineDeploy.Settings(server));
        using var held = holder.Start($"cd '{root}' && exec 9>>.atomicdeploy/deploy.lock && flock 9 && echo held && cat >/dev/null");
        Assert.AreEqual("held", held.ReadLine(TimeSpan.FromSeconds(20), CancellationToken.None));
        var ahead = Assert.ContainsSingle(HostAhead.Start(Settings(server, root, server.KnownHostsFile), _ => null, "/nonexistent-home"));
        var shell = ahead.Take(CancellationToken.None);
        var log = new RecordingLog();

        var deploy = Task.Run(() => EngineDeploy.Deploy(shell, root, source.Path, log));
        Wait.Until(() => log.Lines.Any(l => l.Contains("waiting up to", StringComparison.Ordinal)), TimeSpan.FromSeconds(20), "the deploy to wait for the lock");
        held.Dispose();

        Assert.IsTrue(deploy.Wait(TimeSpan.FromSeconds(60)), "the deploy went on once the lock was free");
        Assert.IsTrue(((ArmedLockShell)shell).Used);
        Assert.AreEqual("v2", new RemoteTree(root).CurrentFile("app.dll"));
    }

    [TestMethod]
    public void A_connection_that_fails_ahead_fails_where_it_is_taken_with_the_code_of_a_connection_made_then()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var folder = new TempFolder();
        var wrongKey = folder.Combine("known_hosts");
        File.WriteAllText(wrongKey, $"[127.0.0.1]:{server.Port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n");
        var settings = Settings(server, root, wrongKey);
        var direct = Assert.ThrowsExactly<DeployException>(() => settings.Hosts[0].Connect(_ => null, "/nonexistent-home", CancellationToken.None));
        var ahead = Assert.ContainsSingle(HostAhead.Start(settings, _ => null, "/nonexistent-home"));

        var failure = Assert.ThrowsExactly<DeployException>(() => ahead.Take(CancellationToken.None));

        Assert.AreEqual(direct.Code, failure.Code);
        Assert.AreEqual(direct.Message, failure.Message);
        Assert.IsFalse(Directory.Exists(root));
    }

    [TestMethod]
    public void The_local_target_is_not_connected_ahead()
    {
        using var folder = new TempFolder();

        Assert.IsEmpty(HostAhead.Start(EngineDeploy.Deploy(folder.Combine("app"), null), _ => null, "/nonexistent-home"));
    }

    /// <summary>Every file, folder and link under the deploy folder, with its size and time (read without opening it: the lock file is locked).</summary>
    private static string[] Snapshot(string root) =>
        [.. Directory.GetFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(p => new FileInfo(p) is var f && f.Attributes.HasFlag(FileAttributes.Directory) ? $"{p}/ {f.LastWriteTimeUtc.Ticks}" : $"{p} {f.Length} {f.LastWriteTimeUtc.Ticks} {f.LinkTarget}")];

    private static bool LockIsFree(SshServer server, string root)
    {
        using var other = EngineDeploy.Connect(EngineDeploy.Settings(server));
        return other.Run($"cd '{root}' && flock -n .atomicdeploy/deploy.lock true", null, TimeSpan.FromSeconds(30), CancellationToken.None).ExitCode == 0;
    }

    private static DeploySettings Settings(SshServer server, string root, string knownHosts) =>
        EngineDeploy.Deploy(root, null, hosts: [new DeployTarget(server.HostSpec, EngineDeploy.Settings(server, knownHosts: knownHosts))]);
}
