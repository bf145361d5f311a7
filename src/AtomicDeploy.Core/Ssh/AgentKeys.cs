namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// Finds the ssh-agent a connection should use and the keys it holds. As OpenSSH does, an agent
/// that does not answer is passed over when there is something else to offer; when there is
/// nothing else, <see cref="Problem"/> says what to fix.
/// </summary>
internal sealed class AgentKeys
{
    private AgentKeys(IReadOnlyList<AgentKeySource> keys, DeployException? problem)
    {
        Keys = keys;
        Problem = problem;
    }

    /// <summary>The agent's keys as key sources, in the agent's order.</summary>
    public IReadOnlyList<AgentKeySource> Keys { get; }

    /// <summary>Why the agent gave no key (it is empty, or does not answer); null when it gave some or none was to be used.</summary>
    public DeployException? Problem { get; }

    /// <summary>The agent's keys for <paramref name="settings"/>, or none when the agent is off (UseAgent, IdentitiesOnly, IdentityAgent none) or absent.</summary>
    public static AgentKeys Find(SshSettings settings, Func<string, string?> environment)
    {
        var address = Address(settings, environment);
        if (address is null)
        {
            return new AgentKeys([], null);
        }

        var agent = new SshAgent(AgentTransport.For(address), settings.ConnectTimeout);
        try
        {
            var identities = agent.Identities();
            return identities.Count > 0
                ? new AgentKeys(identities.Select(i => new AgentKeySource(agent, i)).ToArray(), null)
                : new AgentKeys([], new DeployException(ErrorCodes.AgentEmpty,
                    $"The ssh-agent at {address} holds no key, and no other credential was found for {settings.Host}: add the deploy key with ssh-add, or set AtomicDeployPrivateKeyFile."));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TimeoutException)
        {
            // The default pipe is only a guess on Windows: when no agent service runs, say nothing.
            return new AgentKeys([], address == AgentTransport.WindowsOpenSshPipe && settings.IdentityAgent is null ? null
                : new DeployException(ErrorCodes.AgentUnreachable,
                    $"No ssh-agent answers at {address} ({e.Message}), and no other credential was found for {settings.Host}. Start the agent and add the key (ssh-add), point SSH_AUTH_SOCK or IdentityAgent at it, or set AtomicDeployPrivateKeyFile."));
        }
    }

    private static string? Address(SshSettings settings, Func<string, string?> environment)
    {
        if (!settings.UseAgent || settings.IdentitiesOnly || string.Equals(settings.IdentityAgent, "none", StringComparison.Ordinal))
        {
            return null;
        }

        // IdentityAgent SSH_AUTH_SOCK (or $NAME) means that environment variable, as in ssh_config(5).
        var address = settings.IdentityAgent switch
        {
            null or "SSH_AUTH_SOCK" => environment("SSH_AUTH_SOCK"),
            ['$', .. var variable] => environment(variable),
            var path => path,
        };
        if (string.IsNullOrEmpty(address))
        {
            return OperatingSystem.IsWindows() ? AgentTransport.WindowsOpenSshPipe : null;
        }

        return address;
    }
}
