using AtomicDeploy.Core;
using AtomicDeploy.Core.Ssh;

namespace AtomicDeploy.Tests.Unit;

/// <summary>The ssh config is read as ssh_config(5) says, each case below taken from its rules.</summary>
[TestClass]
public sealed class SshConfigTests
{
    [TestMethod]
    public void The_first_value_obtained_wins_so_specific_blocks_go_first()
    {
        using var home = new TempFolder();
        Write(home, "config", """
            Host web1
              HostName 10.0.0.1
              Port 2201
            Host *
              HostName ignored.example
              Port 22
              User deploy
            """);

        var settings = Resolve(home, "web1");

        Assert.AreEqual(new Core.Planning.HostAddress("deploy", "10.0.0.1", 2201), settings.Host);
    }

    [TestMethod]
    public void A_negated_pattern_excludes_a_host_the_others_match_and_alone_matches_nothing()
    {
        using var home = new TempFolder();
        Write(home, "config", """
            Host !bastion.example *.example
              User app
            Host !other
              Port 2000
            Host b?stion.EXAMPLE
              User jump
            """);

        Assert.AreEqual("app", Resolve(home, "web.example").Host.User);
        Assert.AreEqual("jump", Resolve(home, "bastion.example").Host.User, "the negation wins; patterns ignore case; ? is one character");
        Assert.AreEqual(22, Resolve(home, "web.example").Host.Port, "a list of only negations matches no host");
    }

    [TestMethod]
    public void Match_host_tests_the_host_name_so_far_Match_originalhost_the_alias_and_Match_all_everything()
    {
        using var home = new TempFolder();
        Write(home, "config", """
            Host web1
              HostName %h.internal.example
            Match originalhost web1 host !*.public.example,*.internal.example
              Port 2222
            Match user root
              Port 1
            Match all
              User ops
              IdentityFile ~/.ssh/all_key
            """);

        var resolution = SshConnectionResolver.Resolve(Request("web1"), home.Path, "builder");

        Assert.AreEqual(new Core.Planning.HostAddress("ops", "web1.internal.example", 2222), resolution.Settings.Host);
        CollectionAssert.AreEqual(new[] { home.Combine(".ssh", "all_key") }, resolution.Settings.IdentityFiles.ToArray());
        StringAssert.Contains(resolution.Summary, "Host web1 (");
        StringAssert.Contains(resolution.Summary, "Match all (");
        Assert.DoesNotContain("Match user", resolution.Summary!);
    }

    [TestMethod]
    public void Include_reads_files_where_it_stands_in_sorted_order_and_their_Host_lines_end_with_them()
    {
        using var home = new TempFolder();
        Write(home, "config", """
            Host web1
              Include conf.d/*.conf
              User from-main
            Include ~/.ssh/missing-is-fine
            """);
        Write(home, "conf.d/20-port.conf", """
            Port 2020
            Host nothing-matches
              User never
            """);
        Write(home, "conf.d/10-name.conf", """
            HostName ten.example
            Port 1010
            """);
        Write(home, "conf.d/30-ignored.txt", "Port 3030");

        var settings = Resolve(home, "web1");

        Assert.AreEqual(new Core.Planning.HostAddress("from-main", "ten.example", 1010), settings.Host);
    }

    [TestMethod]
    public void An_Include_loop_is_refused_with_its_code()
    {
        using var home = new TempFolder();
        Write(home, "config", "Include config\n");

        var loop = Assert.ThrowsExactly<DeployException>(() => Resolve(home, "web1"));

        Assert.AreEqual(ErrorCodes.SshConfigInvalid, loop.Code);
    }

    [TestMethod]
    public void IdentityFile_adds_up_and_expands_its_tokens()
    {
        using var home = new TempFolder();
        Write(home, "config", """
            Host web1
              HostName 127.0.0.1
              User deploy
              Port 2222
              IdentityFile ~/.ssh/%r@%h:%p
              IdentityFile "/keys/%u/%n 100%%"
            """);

        var settings = Resolve(home, "web1");

        CollectionAssert.AreEqual(new[] { home.Combine(".ssh", "deploy@127.0.0.1:2222"), "/keys/builder/web1 100%" }, settings.IdentityFiles.ToArray());
        Write(home, "config", "IdentityFile ~/.ssh/%C\n");
        Assert.AreEqual(ErrorCodes.SshConfigInvalid, Assert.ThrowsExactly<DeployException>(() => Resolve(home, "web1")).Code);
    }

    [TestMethod]
    public void Properties_that_are_set_win_over_the_file()
    {
        using var home = new TempFolder();
        Write(home, "config", """
            Host web1
              HostName 127.0.0.1
              User from-file
              Port 2222
              UserKnownHostsFile ~/.ssh/file_known_hosts
              StrictHostKeyChecking accept-new
              ConnectTimeout 5
            """);

        var fromFile = Resolve(home, "web1");
        var set = SshConnectionResolver.Resolve(Request("web1") with { User = "set", Port = 2000, KnownHostsFile = "/set/known_hosts", Policy = HostKeyPolicy.Strict, ConnectTimeout = TimeSpan.FromSeconds(9) }, home.Path, "builder").Settings;
        var inEntry = Resolve(home, "entry@web1:3000");

        Assert.AreEqual(new Core.Planning.HostAddress("from-file", "127.0.0.1", 2222), fromFile.Host);
        Assert.AreEqual(home.Combine(".ssh", "file_known_hosts"), fromFile.KnownHostsFile);
        Assert.AreEqual(HostKeyPolicy.AcceptNew, fromFile.Policy);
        Assert.AreEqual(TimeSpan.FromSeconds(5), fromFile.ConnectTimeout);
        Assert.AreEqual(new Core.Planning.HostAddress("set", "127.0.0.1", 2000), set.Host);
        Assert.AreEqual(("/set/known_hosts", HostKeyPolicy.Strict, TimeSpan.FromSeconds(9)), (set.KnownHostsFile, set.Policy, set.ConnectTimeout));
        Assert.AreEqual(new Core.Planning.HostAddress("entry", "127.0.0.1", 3000), inEntry.Host);
    }

    [TestMethod]
    [DataRow("yes", HostKeyPolicy.Strict)]
    [DataRow("ask", HostKeyPolicy.Strict)]
    [DataRow("accept-new", HostKeyPolicy.AcceptNew)]
    public void StrictHostKeyChecking_maps_to_a_policy(string value, HostKeyPolicy policy)
    {
        using var home = new TempFolder();
        Write(home, "config", $"StrictHostKeyChecking {value}\n");

        Assert.AreEqual(policy, Resolve(home, "web1").Policy);
    }

    [TestMethod]
    public void StrictHostKeyChecking_no_is_refused_unless_a_policy_is_set()
    {
        using var home = new TempFolder();
        Write(home, "config", "Host *\n  StrictHostKeyChecking no\n");

        var refused = Assert.ThrowsExactly<DeployException>(() => Resolve(home, "web1"));

        Assert.AreEqual(ErrorCodes.HostKeyCheckingOff, refused.Code);
        StringAssert.Contains(refused.Message, home.Combine(".ssh", "config") + ":2");
        Assert.AreEqual(HostKeyPolicy.Strict, SshConnectionResolver.Resolve(Request("web1") with { Policy = HostKeyPolicy.Strict }, home.Path, "builder").Settings.Policy);
    }

    [TestMethod]
    public void Unused_directives_are_listed_once_each_and_agent_and_alive_settings_are_read()
    {
        using var home = new TempFolder();
        Write(home, "config", """
            # a comment
            Host web1
              ForwardAgent yes
              forwardagent no
              Compression=yes
              IdentitiesOnly yes
              IdentityAgent ~/agent.sock
              ServerAliveInterval = 7
              HostKeyAlias web-cluster
            Host other
              Ciphers aes128-ctr
            """);

        var resolution = SshConnectionResolver.Resolve(Request("web1"), home.Path, "builder");

        Assert.HasCount(2, resolution.Ignored);
        StringAssert.Contains(resolution.Ignored[0], "forwardagent");
        StringAssert.Contains(resolution.Ignored[1], "compression");
        var settings = resolution.Settings;
        Assert.AreEqual((true, home.Combine("agent.sock"), TimeSpan.FromSeconds(7), "web-cluster"), (settings.IdentitiesOnly, settings.IdentityAgent, settings.KeepAliveInterval, settings.HostKeyAlias));
    }

    [TestMethod]
    public void Bad_values_name_their_file_and_line()
    {
        using var home = new TempFolder();
        foreach (var line in new[] { "Port abc", "IdentitiesOnly maybe", "Match exotic x", "HostName \"unclosed", "ConnectTimeout 0" })
        {
            Write(home, "config", $"\n{line}\n");

            var bad = Assert.ThrowsExactly<DeployException>(() => Resolve(home, "web1"), line);

            Assert.AreEqual(ErrorCodes.SshConfigInvalid, bad.Code, line);
            StringAssert.Contains(bad.Message, "config:2", line);
        }
    }

    [TestMethod]
    public void The_file_is_optional_none_turns_it_off_and_a_named_missing_one_is_an_error()
    {
        using var home = new TempFolder();

        Assert.IsNull(SshConnectionResolver.Resolve(Request("web1"), home.Path, "builder").Summary, "no ~/.ssh/config: nothing to say");
        Write(home, "config", "Port 2222\n");
        Assert.AreEqual(22, SshConnectionResolver.Resolve(Request("web1") with { ConfigFile = "none" }, home.Path, "builder").Settings.Host.Port);
        var missing = Assert.ThrowsExactly<DeployException>(() => SshConnectionResolver.Resolve(Request("web1") with { ConfigFile = home.Combine("nope") }, home.Path, "builder"));
        Assert.AreEqual(ErrorCodes.SshConfigUnreadable, missing.Code);
    }

    [TestMethod]
    [DataRow("web1", "web?", true)]
    [DataRow("web12", "web?", false)]
    [DataRow("a.b.example", "*.example", true)]
    [DataRow("example", "*.example", false)]
    [DataRow("WEB1", "web*", true)]
    [DataRow("xaxb", "*a*b", true)]
    [DataRow("xaxbc", "*a*b", false)]
    public void Wildcards_match_the_whole_name(string name, string pattern, bool matches) =>
        Assert.AreEqual(matches, SshConfigPattern.Matches(name, pattern));

    private static SshConnectionRequest Request(string host) =>
        new(host, null, null, null, [], null, null, "K", "P", "W", null, null, null);

    private static SshSettings Resolve(TempFolder home, string host) =>
        SshConnectionResolver.Resolve(Request(host), home.Path, "builder").Settings;

    private static void Write(TempFolder home, string relative, string text)
    {
        var path = home.Combine(".ssh", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
