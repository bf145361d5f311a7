// The benchmark starts Debian's sshd and rsync, as the tests do: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
