using AtomicDeploy.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AtomicDeploy.Tests.Unit;

/// <summary>What AddAtomicDeploy registers, in a release and elsewhere (the end-to-end test runs a real app).</summary>
[TestClass]
public sealed class AddAtomicDeployTests
{
    [TestMethod]
    public void Outside_a_deploy_folder_it_registers_nothing()
    {
        using var folder = new TempFolder();
        var plain = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = folder.Path });
        var added = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = folder.Path }).AddAtomicDeploy();

        Assert.AreEqual(plain.Services.Count, added.Services.Count);
        Assert.IsFalse(added.Services.Any(s => s.ServiceType == typeof(ReleaseFolder) || s.ImplementationInstance?.GetType().Name == "HealthEndpoint"));
    }

    [TestMethod]
    public void In_a_release_the_key_ring_is_in_shared_under_the_configured_name_with_the_health_filter()
    {
        using var folder = new TempFolder();
        var root = folder.Combine("deploy");
        Directory.CreateDirectory(Path.Combine(root, "releases", "20261201203000"));
        Directory.CreateDirectory(Path.Combine(root, "shared"));
        File.CreateSymbolicLink(Path.Combine(root, "current"), "releases/20261201203000");

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = Path.Combine(root, "current") })
            .AddAtomicDeploy(options => options.ApplicationName = "shop");
        using var services = builder.Services.BuildServiceProvider();

        Assert.AreEqual(new ReleaseFolder(root, "20261201203000"), services.GetRequiredService<ReleaseFolder>());
        Assert.AreEqual("shop", services.GetRequiredService<IOptions<DataProtectionOptions>>().Value.ApplicationDiscriminator);
        var repository = services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository as Microsoft.AspNetCore.DataProtection.Repositories.FileSystemXmlRepository;
        Assert.AreEqual(Path.Combine(root, "shared", ".aspnet", "DataProtection-Keys"), repository?.Directory.FullName);
        Assert.IsTrue(services.GetServices<IStartupFilter>().Any(f => f.GetType().Name == "HealthEndpoint"));
    }
}
