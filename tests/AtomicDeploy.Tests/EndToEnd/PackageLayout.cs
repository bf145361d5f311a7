using System.Xml.Linq;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>The packed .nupkg has the layout MSBuild task packages need.</summary>
[TestClass]
public sealed class PackageLayout
{
    [TestMethod]
    public void Tasks_and_their_dependencies_are_under_tasks_with_no_lib_and_no_MSBuild_assemblies()
    {
        using var package = PackageFeed.OpenPackage();
        var files = package.Entries.Select(e => e.FullName).ToArray();

        CollectionAssert.IsSubsetOf(
            new[]
            {
                "build/AtomicDeploy.Tasks.props", "build/AtomicDeploy.Tasks.targets",
                "buildMultiTargeting/AtomicDeploy.Tasks.props", "buildMultiTargeting/AtomicDeploy.Tasks.targets",
                "tasks/net8.0/AtomicDeploy.Tasks.dll", "tasks/net8.0/AtomicDeploy.Tasks.deps.json", "tasks/net8.0/AtomicDeploy.Core.dll",
                "tasks/net8.0/Renci.SshNet.dll", "tasks/net8.0/LibGit2Sharp.dll", "tasks/net8.0/NuGet.Versioning.dll", "tasks/net8.0/ZstdSharp.dll", "README.md",
            },
            files);
        Assert.IsTrue(files.Any(f => f.StartsWith("tasks/net8.0/runtimes/linux-x64/native/libgit2", StringComparison.Ordinal)), "libgit2's native library is packed");
        Assert.IsFalse(files.Any(f => f.StartsWith("lib/", StringComparison.Ordinal)), "no lib/ folder: nothing is referenced by the app");
        Assert.IsFalse(files.Any(f => Path.GetFileName(f).StartsWith("Microsoft.Build", StringComparison.Ordinal)), "MSBuild's own assemblies are not packed");

        using var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.AreEqual("true", metadata.Elements().Single(e => e.Name.LocalName == "developmentDependency").Value);
        Assert.IsFalse(metadata.Elements().Any(e => e.Name.LocalName == "dependencies" && e.Descendants().Any(d => d.Name.LocalName == "dependency")), "the package brings no NuGet dependencies into the app");
    }

    [TestMethod]
    public void Packed_on_linux_x64_every_managed_assembly_carries_ReadyToRun_code_beside_its_IL()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Inconclusive("The package is precompiled only when packed on linux-x64.");
        }

        using var package = PackageFeed.OpenPackage();
        var managed = package.Entries.Where(e => e.FullName.StartsWith("tasks/net8.0/", StringComparison.Ordinal) && !e.FullName.Contains("/runtimes/", StringComparison.Ordinal) && e.FullName.EndsWith(".dll", StringComparison.Ordinal)).ToArray();

        CollectionAssert.IsSubsetOf(new[] { "AtomicDeploy.Tasks.dll", "AtomicDeploy.Core.dll", "Renci.SshNet.dll", "BouncyCastle.Cryptography.dll", "ZstdSharp.dll" }, managed.Select(e => e.Name).ToArray());
        foreach (var entry in managed)
        {
            using var copy = new MemoryStream();
            using (var stream = entry.Open())
            {
                stream.CopyTo(copy);
            }

            copy.Position = 0;
            using var pe = new System.Reflection.PortableExecutable.PEReader(copy);
            var cor = pe.PEHeaders.CorHeader!;
            Assert.IsGreaterThan(0, cor.ManagedNativeHeaderDirectory.Size, $"{entry.Name} has a ReadyToRun header");
            var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            Assert.IsTrue(metadata.MethodDefinitions.Any(m => metadata.GetMethodDefinition(m).RelativeVirtualAddress != 0), $"{entry.Name} keeps its IL for other platforms");
        }
    }

    [TestMethod]
    public void The_package_names_its_licence_readme_repository_and_description()
    {
        using var package = PackageFeed.OpenPackage();
        using var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        XElement Element(string name) => metadata.Elements().Single(e => e.Name.LocalName == name);

        Assert.AreEqual("MIT", Element("license").Value);
        Assert.AreEqual("expression", Element("license").Attribute("type")?.Value);
        Assert.AreEqual("README.md", Element("readme").Value);
        Assert.IsNotNull(package.GetEntry("README.md"), "the readme is packed");
        Assert.AreEqual("https://github.com/atomicdeploy/AtomicDeploy", Element("repository").Attribute("url")?.Value);
        Assert.AreEqual("git", Element("repository").Attribute("type")?.Value);
        Assert.AreEqual("https://github.com/atomicdeploy/AtomicDeploy", Element("projectUrl").Value);
        StringAssert.StartsWith(Element("description").Value, "Zero-downtime deploys from dotnet publish");
        Assert.AreEqual("true", Element("developmentDependency").Value);
    }

    [TestMethod]
    public void buildMultiTargeting_imports_the_build_files()
    {
        using var package = PackageFeed.OpenPackage();

        foreach (var extension in new[] { "props", "targets" })
        {
            using var reader = new StreamReader(package.GetEntry($"buildMultiTargeting/AtomicDeploy.Tasks.{extension}")!.Open());
            var import = XDocument.Load(reader).Root!.Elements().Single(e => e.Name.LocalName == "Import");

            Assert.AreEqual($"..\\build\\AtomicDeploy.Tasks.{extension}", import.Attribute("Project")?.Value);
            Assert.IsNotNull(package.GetEntry($"build/AtomicDeploy.Tasks.{extension}"), "the imported file is packed");
        }
    }

    [TestMethod]
    public void The_companion_package_is_a_library_for_the_app_with_the_same_version_and_no_package_dependencies()
    {
        using var package = System.IO.Compression.ZipFile.OpenRead(PackageFeed.CompanionPackagePath);
        var files = package.Entries.Select(e => e.FullName).ToArray();
        CollectionAssert.IsSubsetOf(new[] { "lib/net8.0/AtomicDeploy.AspNetCore.dll", "lib/net8.0/AtomicDeploy.AspNetCore.xml", "README.md" }, files);

        using var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.AreEqual(PackageFeed.Version, metadata.Elements().Single(e => e.Name.LocalName == "version").Value);
        Assert.IsFalse(metadata.Descendants().Any(d => d.Name.LocalName == "dependency"), "no NuGet dependencies");
        Assert.AreEqual("Microsoft.AspNetCore.App", metadata.Descendants().Single(d => d.Name.LocalName == "frameworkReference").Attribute("name")?.Value);
    }
}
