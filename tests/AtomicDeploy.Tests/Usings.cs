global using AtomicDeploy.Tests.Infrastructure;
global using Microsoft.VisualStudio.TestTools.UnitTesting;

[assembly: Parallelize(Scope = ExecutionScope.ClassLevel, Workers = 2)]

// The tests run a real sshd, /bin/sh and GNU tools: they are Linux tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
