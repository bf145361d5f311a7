using AtomicDeploy.Core;

namespace AtomicDeploy.Tests.EndToEnd;

/// <summary>Bad settings fail the publish with a coded error and leave the server byte for byte as it was.</summary>
[TestClass]
public sealed class BadInputIsRefusedBeforeTheServer
{
    [TestMethod]
    public void Bad_settings_and_an_unknown_host_key_fail_with_their_codes_and_change_nothing()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var app = new WebApp();
        var good = WebApp.ServerProperties(server, root);
        Assert.AreEqual(0, app.Publish(good).ExitCode);
        var before = RemoteTree.Snapshot(root);
        using var empty = new TempFolder();
        File.WriteAllText(empty.Combine("known_hosts"), string.Empty);

        (string Code, string[] Properties)[] cases =
        [
            (ErrorCodes.PathUnsafe, [.. good, "AtomicDeployPath=srv/relative"]),
            (ErrorCodes.PathUnsafe, [.. good, "AtomicDeployPath=/"]),
            (ErrorCodes.PathUnsafe, [.. good, $"AtomicDeployPath={root}/../elsewhere"]),
            (ErrorCodes.KeepInvalid, [.. good, "AtomicDeployKeepReleases=0"]),
            (ErrorCodes.PathUnsafe, [.. good, "AtomicDeployPath=//etc/"]),
            (ErrorCodes.HostInvalid, [.. good, "AtomicDeployHost=user@host:99999"]),
            (ErrorCodes.HostInvalid, [.. good, $"AtomicDeployHost={server.User}@127.0.0.*:{server.Port}"]),
            (ErrorCodes.SourceMissing, [.. good, $"AtomicDeploySourceDir={empty.Combine("no-publish-folder")}"]),
            (ErrorCodes.HostKeySettingInvalid, [.. good, "AtomicDeployHostKeyFingerprint=MD5:aa:bb"]),
            (ErrorCodes.SharedPathInvalid, [.. good, "AtomicDeploySharedPaths=../outside"]),
            (ErrorCodes.HostKeyUnknown, [.. good, $"AtomicDeployKnownHostsFile={empty.Combine("known_hosts")}"]),
            (ErrorCodes.ParallelismInvalid, [.. good, $"AtomicDeployHost=\"{server.HostSpec};{server.User}@localhost:{server.Port}\"", "AtomicDeployParallelism=0"]),
            (ErrorCodes.ConnectLimitInvalid, [.. good, "AtomicDeployConnectLimit=many"]),
            (ErrorCodes.FleetHostRepeated, [.. good, $"AtomicDeployHost=\"{server.HostSpec};{server.HostSpec}\""]),
            // Two-slot mode: the properties reach the engine's checks through the targets.
            (ErrorCodes.AppPortsNotTwo, [.. good, "AtomicDeployAppPorts=5001", "AtomicDeployAppStartCommand=true", "AtomicDeployAppStopCommand=true"]),
            (ErrorCodes.AppPortsEqual, [.. good, "AtomicDeployAppPorts=\"5001;5001\"", "AtomicDeployAppStartCommand=true", "AtomicDeployAppStopCommand=true"]),
            (ErrorCodes.AppPortOutOfRange, [.. good, "AtomicDeployAppPorts=\"80;5002\"", "AtomicDeployAppStartCommand=true", "AtomicDeployAppStopCommand=true"]),
            (ErrorCodes.AppCommandMissing, [.. good, "AtomicDeployAppPorts=\"5001;5002\""]),
            // A fleet whose second host's key is unknown (localhost is not in known_hosts): the first host is not touched either.
            (ErrorCodes.HostKeyUnknown, [.. good, $"AtomicDeployHost=\"{server.HostSpec};{server.User}@localhost:{server.Port}\""]),
        ];
        foreach (var (code, properties) in cases)
        {
            var result = app.Publish(properties);

            Assert.AreNotEqual(0, result.ExitCode, code);
            StringAssert.Contains(result.Output, $"error {code}:", result.Output);
            CollectionAssert.AreEqual(before, RemoteTree.Snapshot(root), $"the server is unchanged after {code}");
        }
    }

    [TestMethod]
    public void Without_AtomicDeploy_a_publish_deploys_nothing()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var app = new WebApp();

        var result = app.Publish([.. WebApp.ServerProperties(server, root).Skip(1)]);

        Assert.AreEqual(0, result.ExitCode, result.All);
        Assert.IsFalse(Directory.Exists(root));
        Assert.IsFalse(result.Output.Contains("AtomicDeploy:", StringComparison.Ordinal));
    }

    [TestMethod]
    public void A_class_library_is_never_deployed()
    {
        using var target = new TempFolder();
        using var app = new WebApp();
        app.Write("MyShop.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="AtomicDeploy.Tasks" Version="{PackageFeed.Version}" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """);
        app.Delete("Program.cs");

        var result = app.Publish("AtomicDeploy=true", $"AtomicDeployPath={target.Combine("lib")}");

        Assert.AreEqual(0, result.ExitCode, result.All);
        Assert.IsFalse(Directory.Exists(target.Combine("lib")));
    }
}
