using AtomicDeploy.Core;
using AtomicDeploy.Core.Planning;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class DeployPathTests
{
    [TestMethod]
    [DataRow(null)]
    [DataRow("")]
    [DataRow("   ")]
    public void A_missing_path_is_refused_as_missing(string? path)
    {
        var error = Assert.ThrowsExactly<DeployException>(() => DeployPath.Validate(path));

        Assert.AreEqual(ErrorCodes.PathMissing, error.Code);
        Assert.AreEqual("AD0001", error.Code);
        Assert.Contains("AtomicDeployPath", error.Message);
    }

    [TestMethod]
    [DataRow("srv/app")]
    [DataRow("app")]
    [DataRow("~/app")]
    [DataRow("./app")]
    [DataRow("..")]
    [DataRow("../srv/app")]
    [DataRow("/srv/app/..")]
    [DataRow("/srv/../etc")]
    [DataRow("/srv/./app")]
    [DataRow("/")]
    [DataRow("//")]
    [DataRow("/etc")]
    [DataRow("/etc/")]
    [DataRow("//etc//")]
    [DataRow("/var/www")]
    [DataRow("/var/www/")]
    [DataRow("/usr")]
    [DataRow("/usr/local")]
    [DataRow("/home")]
    [DataRow("/root")]
    [DataRow("/srv")]
    [DataRow("/tmp")]
    [DataRow("/srv/app\n")]
    [DataRow("/srv/app\r")]
    [DataRow("/srv/a\0pp")]
    public void An_unsafe_path_is_refused(string path)
    {
        var error = Assert.ThrowsExactly<DeployException>(() => DeployPath.Validate(path));

        Assert.AreEqual(ErrorCodes.PathUnsafe, error.Code);
        Assert.Contains("Nothing was changed on the server", error.Message);
    }

    [TestMethod]
    [DataRow("/srv/app", "/srv/app")]
    [DataRow("/srv/app/", "/srv/app")]
    [DataRow("//srv//app", "/srv/app")]
    [DataRow("/srv/app///", "/srv/app")]
    [DataRow("/var/www/example.com", "/var/www/example.com")]
    [DataRow("/home/deploy/apps/hello web", "/home/deploy/apps/hello web")]
    [DataRow("/opt/app..old", "/opt/app..old")]
    public void A_safe_path_is_returned_normalised(string path, string expected)
    {
        Assert.AreEqual(expected, DeployPath.Validate(path));
    }

    [TestMethod]
    [DataRow("uploads", "uploads")]
    [DataRow("uploads/", "uploads")]
    [DataRow("wwwroot/uploads", "wwwroot/uploads")]
    [DataRow("wwwroot/uploads/", "wwwroot/uploads")]
    [DataRow("with space/it's", "with space/it's")]
    [DataRow(".env", ".env")]
    [DataRow("a..b", "a..b")]
    public void A_plain_relative_path_is_accepted_without_a_trailing_slash(string path, string expected)
    {
        Assert.IsTrue(DeployPath.TryNormaliseRelative(path, out var normalised));
        Assert.AreEqual(expected, normalised);
        Assert.AreEqual(path == expected, DeployPath.IsPlainRelative(path), "a path from the server is plain only as it is, without a trailing slash");
    }

    [TestMethod]
    [DataRow(null)]
    [DataRow("")]
    [DataRow("/")]
    [DataRow("/etc/passwd")]
    [DataRow(".")]
    [DataRow("./uploads")]
    [DataRow("..")]
    [DataRow("../uploads")]
    [DataRow("uploads/..")]
    [DataRow("uploads/../../etc")]
    [DataRow("wwwroot//uploads")]
    [DataRow("wwwroot/./uploads")]
    [DataRow("up\0loads")]
    public void A_relative_path_that_is_empty_absolute_or_climbs_is_refused(string? path)
    {
        Assert.IsFalse(DeployPath.TryNormaliseRelative(path, out var normalised));
        Assert.AreEqual(string.Empty, normalised);
        Assert.IsFalse(DeployPath.IsPlainRelative(path));
    }
}
