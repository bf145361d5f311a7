using System.Diagnostics;
using System.Text;
using AtomicDeploy.Core.Planning;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Unit;

/// <summary>Hosts of a fleet met for the first time at once, with AcceptNew: every one is recorded in known_hosts.</summary>
[TestClass]
public sealed class ParallelFirstContacts
{
    private const int Hosts = 48;
    private const int Rounds = 10;

    [TestMethod]
    public void Every_host_accepted_in_parallel_has_its_line_in_known_hosts()
    {
        for (var round = 0; round < Rounds; round++)
        {
            using var folder = new TempFolder();
            var knownHosts = folder.Combine("ssh", "known_hosts");
            var accepted = new bool[Hosts];

            Parallel.For(0, Hosts, new ParallelOptions { MaxDegreeOfParallelism = Hosts }, i =>
            {
                var check = new HostKeyCheck(new HostAddress("deploy", $"web{i}", 22), knownHosts, [], HostKeyPolicy.AcceptNew);
                accepted[i] = check.Trust(KeyBlob(i));
            });

            Assert.IsTrue(accepted.All(a => a), $"round {round}: every new host is trusted");
            var lines = File.ReadAllLines(knownHosts);
            for (var i = 0; i < Hosts; i++)
            {
                CollectionAssert.Contains(lines, KnownHosts.LineFor($"web{i}", "ssh-ed25519", KeyBlob(i)), $"round {round}, web{i}");
            }

            Assert.HasCount(Hosts, lines, $"round {round}: one whole line per host, nothing torn or doubled");
        }
    }

    [TestMethod]
    public void An_ssh_appending_at_the_same_time_keeps_its_lines_and_ours()
    {
        using var folder = new TempFolder();
        var knownHosts = folder.Combine("known_hosts");
        File.WriteAllText(knownHosts, string.Empty);

        // ssh itself appends with O_APPEND and no lock, as the shell's >> does.
        using var shell = Process.Start(new ProcessStartInfo("sh", ["-c", "i=0; while [ $i -lt 400 ]; do echo \"other$i ssh-ed25519 AAAA\" >> \"$1\"; i=$((i+1)); done", "sh", knownHosts]))!;
        Parallel.For(0, Hosts, i => KnownHostsAppend.Line(knownHosts, $"web{i} ssh-ed25519 BBBB{i}"));
        Assert.IsTrue(shell.WaitForExit(TimeSpan.FromSeconds(30)));

        // A line of ours may start with a newline of its own (the file seemed torn while ssh was mid-line);
        // the blank line that leaves when ssh's write landed first is harmless to every reader.
        var lines = File.ReadAllLines(knownHosts).Where(l => l.Length > 0).ToArray();
        Assert.HasCount(400 + Hosts, lines, "every line whole, none torn or doubled");
        for (var i = 0; i < Hosts; i++)
        {
            CollectionAssert.Contains(lines, $"web{i} ssh-ed25519 BBBB{i}");
        }

        for (var i = 0; i < 400; i++)
        {
            CollectionAssert.Contains(lines, $"other{i} ssh-ed25519 AAAA");
        }
    }

    [TestMethod]
    public void A_line_already_recorded_by_another_build_is_not_added_twice()
    {
        using var folder = new TempFolder();
        var knownHosts = folder.Combine("known_hosts");
        File.WriteAllText(knownHosts, "web1 ssh-ed25519 AAAA");

        KnownHostsAppend.Line(knownHosts, "web1 ssh-ed25519 AAAA");
        KnownHostsAppend.Line(knownHosts, "web2 ssh-ed25519 BBBB");

        Assert.AreEqual("web1 ssh-ed25519 AAAA\nweb2 ssh-ed25519 BBBB\n", File.ReadAllText(knownHosts));
    }

    private static byte[] KeyBlob(int host)
    {
        var type = Encoding.ASCII.GetBytes("ssh-ed25519");
        return [0, 0, 0, (byte)type.Length, .. type, 0, 0, 0, 32, .. Enumerable.Repeat((byte)host, 32)];
    }
}
