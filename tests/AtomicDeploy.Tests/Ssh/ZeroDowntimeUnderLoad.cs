using System.Collections.Concurrent;
using System.Net;

namespace AtomicDeploy.Tests.Ssh;

/// <summary>
/// The product's promise with real parts: nginx serves <c>current/wwwroot</c> to several keep-alive
/// clients without pause while a dozen deploys over SSH switch <c>current</c>. Every response must be
/// a 200 with the complete page of exactly one release.
/// </summary>
[TestClass]
public sealed class ZeroDowntimeUnderLoad
{
    private const int Deploys = 12;
    private const int Clients = 4;

    [TestMethod]
    public void Every_request_during_a_dozen_switches_gets_a_complete_page_of_one_release()
    {
        var server = SharedServer.Instance;
        var root = server.NewDeployFolder();
        using var source = new SourceFolder();
        var pages = Enumerable.Range(0, Deploys + 1).Select(Page).ToArray();
        source.Write("app.dll", "0").Write("wwwroot/index.html", pages[0]);
        EngineDeploy.Deploy(server, root, source.Path);
        using var nginx = new NginxServer(Path.Combine(root, "current", "wwwroot"), server.IsRoot ? server.User : null);

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var seen = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentQueue<string>();
        var requests = 0;
        var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var client = new HttpClient(handler) { BaseAddress = nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            while (!stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref requests);
                try
                {
                    using var response = await client.GetAsync("/", CancellationToken.None);
                    var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    var release = Array.IndexOf(pages, body);
                    if (response.StatusCode != HttpStatusCode.OK || release < 0)
                    {
                        failures.Enqueue($"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 80)]}");
                        continue;
                    }

                    seen.AddOrUpdate(release, 1, (_, count) => count + 1);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    failures.Enqueue(e.GetType().Name + ": " + e.Message);
                }
            }
        })).ToArray();

        Wait.Until(() => seen.ContainsKey(0), TimeSpan.FromSeconds(10), "the first page to be served");
        for (var i = 1; i <= Deploys; i++)
        {
            var before = Volatile.Read(ref requests);
            source.Write("app.dll", $"{i}").Write("wwwroot/index.html", pages[i]);
            EngineDeploy.Deploy(server, root, source.Path);
            var release = i;
            Wait.Until(() => seen.ContainsKey(release) && Volatile.Read(ref requests) > before + 50, TimeSpan.FromSeconds(20), $"release {i} to be served under load");
        }

        stop.Cancel();
        Assert.IsTrue(Task.WaitAll(clients, TimeSpan.FromSeconds(20)), "the clients stopped");
        var total = Volatile.Read(ref requests);
        Console.WriteLine($"Load test: {total} requests by {Clients} keep-alive clients across {Deploys} switches, {failures.Count} failures; per release: {string.Join(", ", seen.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}");

        Assert.IsEmpty(failures, string.Join("\n", failures.Take(10)) + "\n" + nginx.ErrorLog);
        Assert.AreEqual(Deploys + 1, seen.Count, "every release was served");
        Assert.AreEqual(total, seen.Values.Sum(), "every request got one release's complete page");
    }

    /// <summary>A page that names its release at the top and the bottom, 64 KB, so a mixed or cut one is seen.</summary>
    private static string Page(int release) =>
        $"<!doctype html><title>release {release}</title>\n" + string.Concat(Enumerable.Repeat($"<p>release {release} of the site</p>\n", 2600)) + $"<footer>end of release {release}</footer>\n";
}
