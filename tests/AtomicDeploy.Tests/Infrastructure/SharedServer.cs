namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>One sshd for the whole test run, started on first use; each test deploys into its own folder. At the end of the run it stops, and the packed feed is deleted.</summary>
[TestClass]
public static class SharedServer
{
    private static readonly Lazy<SshServer> Server = new(SshServer.Start, LazyThreadSafetyMode.ExecutionAndPublication);

    internal static SshServer Instance => Server.Value;

    [AssemblyCleanup]
    public static void StopServer()
    {
        if (Server.IsValueCreated)
        {
            Server.Value.Dispose();
        }

        PackageFeed.Delete();
        SlotApp.Delete();
    }
}
