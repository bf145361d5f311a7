using Renci.SshNet;
using Renci.SshNet.Security;

namespace AtomicDeploy.Core.Ssh;

/// <summary>
/// The keys of an ssh-agent as SSH.NET's key sources: each signs through the agent, so SSH.NET
/// authenticates with them as with key files. An RSA key is offered as <c>rsa-sha2-512</c> and
/// <c>rsa-sha2-256</c> (never SHA-1 <c>ssh-rsa</c>, which OpenSSH servers refuse); other types
/// (ed25519, ecdsa, security keys) under their own name, which is also their signature's.
/// </summary>
internal sealed class AgentKeySource : IPrivateKeySource
{
    public AgentKeySource(SshAgent agent, AgentIdentity identity)
    {
        Identity = identity;
        HostKeyAlgorithms = identity.KeyType switch
        {
            "ssh-rsa" => [new AgentSigner("rsa-sha2-512", agent, identity, SshAgent.RsaSha512), new AgentSigner("rsa-sha2-256", agent, identity, SshAgent.RsaSha256)],
            "ssh-rsa-cert-v01@openssh.com" => [new AgentSigner("rsa-sha2-512-cert-v01@openssh.com", agent, identity, SshAgent.RsaSha512), new AgentSigner("rsa-sha2-256-cert-v01@openssh.com", agent, identity, SshAgent.RsaSha256)],
            var type => [new AgentSigner(type, agent, identity, 0)],
        };
    }

    public AgentIdentity Identity { get; }

    public IReadOnlyCollection<HostAlgorithm> HostKeyAlgorithms { get; }

    /// <summary>One key of the agent under one signature algorithm.</summary>
    private sealed class AgentSigner(string name, SshAgent agent, AgentIdentity identity, uint flags) : HostAlgorithm(name)
    {
        public override byte[] Data => identity.Blob;

        public override byte[] Sign(byte[] data)
        {
            try
            {
                return agent.Sign(identity.Blob, data, flags)
                    ?? throw new DeployException(ErrorCodes.AgentSignRefused,
                        $"The ssh-agent at {agent.Address} refused to sign with the key {identity}: it was removed from the agent, or a confirmation was declined. Add it again with ssh-add, or confirm the prompt.");
            }
            catch (IOException e)
            {
                throw new DeployException(ErrorCodes.AgentSignRefused,
                    $"The ssh-agent at {agent.Address} could not sign with the key {identity}: {e.Message} Check that the agent still runs.", e);
            }
        }

        // Only a client's own signatures are made here; servers' signatures are checked by SSH.NET's own host key algorithms.
        public override bool VerifySignature(byte[] data, byte[] signature) => false;
    }
}
