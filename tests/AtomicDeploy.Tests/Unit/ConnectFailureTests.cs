using System.Net.Sockets;
using AtomicDeploy.Core;
using AtomicDeploy.Core.Engine;
using AtomicDeploy.Core.Remote;
using AtomicDeploy.Core.Ssh;
using Renci.SshNet.Common;
using Renci.SshNet.Messages.Transport;

namespace AtomicDeploy.Tests.Unit;

/// <summary>
/// Which connection failures are tried once more: a passing network or DNS error before the SSH
/// handshake, and nothing else (a host key, credentials, an unknown name, a bad setting).
/// </summary>
[TestClass]
public sealed class ConnectFailureTests
{
    [TestMethod]
    [DataRow(SocketError.TryAgain)]
    [DataRow(SocketError.ConnectionReset)]
    [DataRow(SocketError.ConnectionRefused)]
    [DataRow(SocketError.ConnectionAborted)]
    [DataRow(SocketError.TimedOut)]
    public void A_passing_socket_error_before_the_handshake_may_pass(SocketError error)
    {
        Assert.IsTrue(ConnectFailure.MayPass(new SocketException((int)error), hostKeySeen: false));
        Assert.IsTrue(ConnectFailure.MayPass(new IOException("read failed", new SocketException((int)error)), hostKeySeen: false), "wrapped in an IOException");
    }

    [TestMethod]
    [DataRow(SocketError.HostNotFound)]
    [DataRow(SocketError.NoData)]
    [DataRow(SocketError.NetworkUnreachable)]
    [DataRow(SocketError.AccessDenied)]
    [DataRow(SocketError.AddressNotAvailable)]
    public void A_lasting_socket_error_does_not(SocketError error) =>
        Assert.IsFalse(ConnectFailure.MayPass(new SocketException((int)error), hostKeySeen: false));

    [TestMethod]
    public void A_close_before_the_banner_and_a_timeout_may_pass()
    {
        Assert.IsTrue(ConnectFailure.MayPass(new SshConnectionException("An established connection was aborted by the server.", DisconnectReason.ConnectionLost), hostKeySeen: false));
        Assert.IsTrue(ConnectFailure.MayPass(new SshOperationTimeoutException("Socket read operation has timed out."), hostKeySeen: false));
        Assert.IsTrue(ConnectFailure.MayPass(new OperationCanceledException(), hostKeySeen: false), "the connect timeout");
    }

    [TestMethod]
    public void Anything_once_the_server_showed_its_key_does_not()
    {
        Assert.IsFalse(ConnectFailure.MayPass(new SocketException((int)SocketError.ConnectionReset), hostKeySeen: true));
        Assert.IsFalse(ConnectFailure.MayPass(new SshConnectionException("aborted", DisconnectReason.ConnectionLost), hostKeySeen: true));
        Assert.IsFalse(ConnectFailure.MayPass(new OperationCanceledException(), hostKeySeen: true));
    }

    [TestMethod]
    public void Credentials_and_the_servers_protocol_answers_do_not()
    {
        Assert.IsFalse(ConnectFailure.MayPass(new SshAuthenticationException("Permission denied (publickey)."), hostKeySeen: false));
        Assert.IsFalse(ConnectFailure.MayPass(new SshConnectionException("No matching host key algorithm", DisconnectReason.KeyExchangeFailed), hostKeySeen: false));
        Assert.IsFalse(ConnectFailure.MayPass(new SshConnectionException("Server response does not contain SSH identification string.", DisconnectReason.ProtocolError), hostKeySeen: false));
        Assert.IsFalse(ConnectFailure.MayPass(new DeployException(ErrorCodes.AgentUnreachable, "agent"), hostKeySeen: false));
    }

    [TestMethod]
    public void Only_an_unreachable_host_marked_as_passing_is_tried_again()
    {
        var passing = ConnectFailure.Passing(new SocketException((int)SocketError.ConnectionReset));

        Assert.IsTrue(ConnectFailure.MayPass(new DeployException(ErrorCodes.Unreachable, "x", passing)));
        Assert.IsTrue(ConnectFailure.MayPass(new DeployException(ErrorCodes.JumpHostUnreachable, "hop", new DeployException(ErrorCodes.Unreachable, "x", passing))), "a jump host's passing failure");
        Assert.IsFalse(ConnectFailure.MayPass(new DeployException(ErrorCodes.Unreachable, "x", new SocketException((int)SocketError.ConnectionReset))), "not marked: seen after the host key");
        foreach (var code in new[] { ErrorCodes.HostKeyChanged, ErrorCodes.HostKeyUnknown, ErrorCodes.AuthenticationFailed, ErrorCodes.HostNameUnresolved, ErrorCodes.HostInvalid, ErrorCodes.Cancelled })
        {
            Assert.IsFalse(ConnectFailure.MayPass(new DeployException(code, "x", passing)), code);
        }
    }

    [TestMethod]
    public void A_retry_waits_holding_no_slot_and_a_second_failure_keeps_the_code_and_says_it_tried_twice()
    {
        using var starts = new ConnectStarts(1, TimeSpan.FromMilliseconds(10), 1);
        var log = new RecordingLog();
        var attempts = 0;
        var target = new DeployTarget("deploy@web1:22", null);

        var failure = Assert.ThrowsExactly<DeployException>(() => starts.Connect(target, _ =>
        {
            attempts++;
            throw new DeployException(ErrorCodes.Unreachable, $"Cannot connect to deploy@web1:22 (attempt {attempts}).", ConnectFailure.Passing(new SocketException((int)SocketError.ConnectionRefused)));
        }, log));

        Assert.AreEqual(2, attempts);
        Assert.AreEqual(ErrorCodes.Unreachable, failure.Code);
        StringAssert.Contains(failure.Message, "Tried twice");
        StringAssert.Contains(failure.Message, "SocketException ConnectionRefused");
        StringAssert.Contains(string.Join("\n", log.Lines), "connecting to deploy@web1:22 failed (AD0101, SocketException ConnectionRefused), which may pass; trying once more");
    }

    [TestMethod]
    public void A_failure_that_will_not_pass_is_not_tried_again()
    {
        using var starts = new ConnectStarts(30, TimeSpan.FromMilliseconds(10), 1);
        var log = new RecordingLog();
        var attempts = 0;

        var failure = Assert.ThrowsExactly<DeployException>(() => starts.Connect(new DeployTarget("deploy@web1:22", null), _ =>
        {
            attempts++;
            throw new DeployException(ErrorCodes.HostKeyChanged, "changed");
        }, log));

        Assert.AreEqual(1, attempts);
        Assert.AreEqual("changed", failure.Message);
        Assert.IsFalse(string.Join("\n", log.Lines).Contains("trying once more", StringComparison.Ordinal));
    }

    [TestMethod]
    public void Only_the_limit_of_connections_start_at_once()
    {
        using var starts = new ConnectStarts(2, TimeSpan.Zero, 6);
        var running = 0;
        var most = 0;
        HostParallel.Each(Enumerable.Range(0, 6).ToArray(), int.MaxValue, i => starts.Connect(new DeployTarget($"h{i}", null), _ =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            Thread.Sleep(100);
            Interlocked.Decrement(ref running);
            return new LocalShell();
        }, new RecordingLog()).Dispose());

        Assert.AreEqual(2, most);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            Interlocked.CompareExchange(ref target, value, seen);
        }
    }
}
