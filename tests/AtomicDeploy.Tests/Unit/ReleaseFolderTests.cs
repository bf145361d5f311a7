using System.Net.Sockets;
using System.Text;
using AtomicDeploy.AspNetCore;

namespace AtomicDeploy.Tests.Unit;

/// <summary>How AddAtomicDeploy tells that the app runs from a release, and tells systemd it is ready.</summary>
[TestClass]
public sealed class ReleaseFolderTests
{
    private const string Release = "20261201203000";

    [TestMethod]
    public void An_app_started_through_current_is_in_the_release_current_points_at()
    {
        using var folder = new TempFolder();
        var root = Layout(folder);

        var found = ReleaseFolder.Find(Path.Combine(root, "current"));

        Assert.AreEqual(new ReleaseFolder(root, Release), found);
        Assert.AreEqual(Path.Combine(root, "shared"), found!.SharedPath);
    }

    [TestMethod]
    public void A_deploy_folder_reached_through_a_link_resolves_to_its_real_path()
    {
        using var folder = new TempFolder();
        var root = Layout(folder);
        var site = folder.Combine("site");
        File.CreateSymbolicLink(site, root);

        Assert.AreEqual(new ReleaseFolder(root, Release), ReleaseFolder.Find(Path.Combine(site, "current", ".")));
        Assert.AreEqual(new ReleaseFolder(root, Release), ReleaseFolder.Find(Path.Combine(site, "releases", Release)));
    }

    [TestMethod]
    public void The_base_folder_is_used_when_the_content_root_is_elsewhere()
    {
        using var folder = new TempFolder();
        var root = Layout(folder);

        Assert.AreEqual(new ReleaseFolder(root, Release), ReleaseFolder.Find(folder.Path, null, Path.Combine(root, "current") + "/"));
    }

    [TestMethod]
    public void A_folder_that_only_looks_like_a_release_is_not_one()
    {
        using var folder = new TempFolder();
        var root = Layout(folder);
        File.Delete(Path.Combine(root, "current"));
        Assert.IsNull(ReleaseFolder.Find(Path.Combine(root, "releases", Release)), "no current link beside releases/");

        File.CreateSymbolicLink(Path.Combine(root, "current"), "releases/" + Release);
        Directory.Delete(Path.Combine(root, "shared"));
        Assert.IsNull(ReleaseFolder.Find(Path.Combine(root, "releases", Release)), "no shared/ beside releases/");

        Directory.CreateDirectory(Path.Combine(root, "shared"));
        Directory.CreateDirectory(Path.Combine(root, "releases", "2026120120300"));
        Directory.CreateDirectory(Path.Combine(root, "releases", "20261399999999"));
        Assert.IsNull(ReleaseFolder.Find(Path.Combine(root, "releases", "2026120120300")), "13 digits");
        Assert.IsNull(ReleaseFolder.Find(Path.Combine(root, "releases", "20261399999999")), "not a time");
        Assert.IsNull(ReleaseFolder.Find(folder.Path, Path.Combine(root, "missing")));
    }

    [TestMethod]
    public void A_loop_of_links_is_no_release()
    {
        using var folder = new TempFolder();
        File.CreateSymbolicLink(folder.Combine("a"), "b");
        File.CreateSymbolicLink(folder.Combine("b"), "a");

        Assert.IsNull(ReleaseFolder.Find(folder.Combine("a")));
    }

    [TestMethod]
    public void The_notifier_sends_ready_to_the_socket_systemd_names()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("notify");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint(path));
        systemd.ReceiveTimeout = 5000;

        Assert.IsTrue(new SystemdNotifier(path).Notify("READY=1"));

        var buffer = new byte[64];
        Assert.AreEqual("READY=1", Encoding.UTF8.GetString(buffer, 0, systemd.Receive(buffer)));
        Assert.IsFalse(new SystemdNotifier(folder.Combine("gone")).Notify("READY=1"), "a missing socket is ignored, as sd_notify does");
    }

    private static string Layout(TempFolder folder)
    {
        var root = folder.Combine("deploy");
        Directory.CreateDirectory(Path.Combine(root, "releases", Release));
        Directory.CreateDirectory(Path.Combine(root, "shared"));
        File.CreateSymbolicLink(Path.Combine(root, "current"), "releases/" + Release);
        return root;
    }
}
