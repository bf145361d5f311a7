using System.Globalization;
using AtomicDeploy.Core.History;
using AtomicDeploy.Core.Manifest;
using AtomicDeploy.Core.Planning;
using static AtomicDeploy.Core.Remote.ShellQuote;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// The deploy lock: a <c>flock</c> on <c>.atomicdeploy/deploy.lock</c>, held by a command that runs
/// on its own channel of the deploy's connection for the whole deploy. The kernel releases it when
/// that command ends: when the deploy closes it, or when the connection dies with a killed build.
/// So a lock can never outlive its deploy, and two live deploys never interleave. A lock left by an
/// older version (a <c>.atomicdeploy/lock</c> folder) still refuses the deploy until
/// <c>AtomicDeployUnlock</c> removes it.
/// </summary>
public sealed class DeployLock : IDisposable
{
    /// <summary>Exit code of the lock command when the lock stays held by someone else.</summary>
    public const int HeldExitCode = 75;

    /// <summary>How the lock script's line with the live manifest as it is starts.</summary>
    private const string ManifestWord = "manifest ";

    /// <summary>The lines around the live manifest compressed and base64-encoded, as <c>base64</c> wraps it.</summary>
    internal const string CompressedManifestStart = "manifest-gz", CompressedManifestEnd = "manifest-gz-end";

    private readonly RemoteProcess _holder;

    private DeployLock(RemoteProcess holder, IReadOnlyList<string> leftovers, ReleaseHistory liveHistory, ReleaseManifest? liveManifest, IReadOnlyList<LiveSharedLink> liveLinks)
    {
        _holder = holder;
        Leftovers = leftovers;
        LiveHistory = liveHistory;
        LiveManifest = liveManifest;
        LiveLinks = liveLinks;
    }

    /// <summary>Half-made releases of interrupted deploys that were removed on taking the lock.</summary>
    public IReadOnlyList<string> Leftovers { get; }

    /// <summary>
    /// The live release and its lines of the history, read under the lock on the lock's own channel,
    /// so the downgrade guard asks no question of its own.
    /// </summary>
    public ReleaseHistory LiveHistory { get; }

    /// <summary>
    /// The live release's manifest as recorded (not checked against what the release holds), read
    /// on the lock's channel when asked for; null when not asked, when there is no live release or
    /// manifest, or when it is not a manifest.
    /// </summary>
    public ReleaseManifest? LiveManifest { get; }

    /// <summary>The live release's links to <c>shared/</c>, read with <see cref="LiveManifest"/> (empty when it is not read).</summary>
    public IReadOnlyList<LiveSharedLink> LiveLinks { get; }

    /// <summary>How the server can unpack an upload: zstd when it has <c>zstd</c> on its PATH, else gzip.</summary>
    public Upload.ArchiveCompression Compression { get; private init; }

    /// <summary>The process id of the command holding the lock on the server (the unlock target stops it).</summary>
    public string ServerPid { get; private init; } = string.Empty;

    /// <summary>
    /// Shell line that names <paramref name="owner"/> as the holder in the lock file (as the lock's
    /// own script does unless told to leave it to a later script, run in the deploy folder).
    /// </summary>
    public string OwnerLine(string owner) => OwnerLine(Quote(owner), Quote(ServerPid));

    private static string OwnerLine(string quotedOwner, string quotedPid) => $"printf '%s (server pid %s)\n' {quotedOwner} {quotedPid} > .atomicdeploy/deploy.lock || true\n";

    /// <summary>False once the command holding the lock has ended (the connection died, or the lock was removed by hand).</summary>
    public bool IsHeld => !_holder.HasEnded;

    /// <summary>
    /// Takes the lock of <paramref name="root"/>, waiting at most <paramref name="wait"/> for a deploy
    /// that holds it (saying who it is), then removes what interrupted deploys left. With
    /// <paramref name="liveManifest"/>, it also reads the live release's manifest (<see cref="LiveManifest"/>).
    /// </summary>
    public static DeployLock Take(IRemoteShell shell, string root, string owner, TimeSpan wait, IDeployLog log, CancellationToken cancellationToken, bool ownerLater = false, bool liveManifest = false) =>
        Take(shell, root, owner, wait, log, ownerLater, liveManifest, null, cancellationToken);

    /// <summary>As <see cref="Take(IRemoteShell, string, string, TimeSpan, IDeployLog, CancellationToken, bool, bool)"/>, the live manifest parsed through <paramref name="manifests"/> (shared by the hosts of a deployment).</summary>
    internal static DeployLock Take(IRemoteShell shell, string root, string owner, TimeSpan wait, IDeployLog log, bool ownerLater, bool liveManifest, CompressedManifests? manifests, CancellationToken cancellationToken)
    {
        var holder = shell.Start(Script(root, ownerLater ? null : owner, (int)Math.Ceiling(wait.TotalSeconds), liveManifest));
        try
        {
            var leftovers = new List<string>();
            string? live = null;
            string? manifest = null;
            ReadOnlyMemory<byte>? compressed = null;
            var history = new List<string>();
            var links = new List<LiveSharedLink>();
            var compression = Upload.ArchiveCompression.Gzip;
            var lineWait = wait + TimeSpan.FromSeconds(30);
            while (holder.ReadLine(lineWait, cancellationToken) is { } line)
            {
                if (line == CompressedManifestStart)
                {
                    compressed = ReadCompressedManifest(holder, lineWait, cancellationToken);
                    if (compressed is null)
                    {
                        log.Detail($"  {shell.Name}: the live manifest the lock's channel brought is not used (its lines are not base64); the state query reads it again.");
                    }

                    continue;
                }

                if (line.StartsWith(ManifestWord, StringComparison.Ordinal))
                {
                    // Kept whole and parsed from its span, not copied.
                    manifest = line;
                    continue;
                }

                if (LiveSharedLink.FromLine(line) is { } link)
                {
                    links.Add(link);
                    continue;
                }

                var (word, rest) = Split(line);
                switch (word)
                {
                    case "waiting":
                        log.Summary($"AtomicDeploy: waiting up to {wait.TotalSeconds:0} s for the deploy lock of {root} on {shell.Name}, held by {rest}");
                        break;
                    case "held":
                        throw new DeployException(ErrorCodes.Locked,
                            $"Another deploy to {root} on {shell.Name} holds the lock: {rest}. {(wait > TimeSpan.Zero ? $"It did not end within {wait.TotalSeconds:0} s (AtomicDeployLockTimeout); w" : "W")}ait for it to finish. The lock ends with that deploy's connection; if its process hangs, stop it, or remove the lock with: dotnet msbuild -t:AtomicDeployUnlock (same properties).");
                    case "legacy":
                        throw new DeployException(ErrorCodes.Locked,
                            $"{root} on {shell.Name} holds a deploy lock left by an older version of AtomicDeploy: {rest}. If no deploy is running, remove it with: dotnet msbuild -t:AtomicDeployUnlock (same properties).");
                    case "leftover":
                        leftovers.Add(rest);
                        break;
                    case "live":
                        live = ReleaseName.IsReleaseName(rest) ? rest : null;
                        break;
                    case "history":
                        history.Add(rest);
                        break;
                    case "unpacks" when rest == "zstd":
                        compression = Upload.ArchiveCompression.Zstd;
                        break;
                    case "locked":
                        return new DeployLock(holder, leftovers, LiveOnly(live, history), live is null ? null : ParseOrNull(manifest, compressed, manifests, log, shell.Name), live is null ? [] : links) { ServerPid = rest, Compression = compression };
                }
            }

            throw new DeployException(ErrorCodes.RemoteFailed, $"Could not take the deploy lock of {root} on {shell.Name}: the lock command ended early. Check that flock (util-linux) is installed there and the deploy user can write {root}.");
        }
        catch
        {
            holder.Dispose();
            throw;
        }
    }

    /// <summary>Throws a coded error if the lock is no longer held: nothing more may be changed on the server.</summary>
    public void ThrowIfLost(string root, string target)
    {
        if (!IsHeld)
        {
            throw new DeployException(ErrorCodes.LockLost,
                $"The deploy lock of {root} on {target} was lost (the connection dropped, or the lock was removed by hand); nothing more is changed. Deploy again.");
        }
    }

    /// <summary>
    /// Releases the lock: closes the input of the command holding it, which then ends. Over SSH this
    /// does not wait for that end (a round trip): the next lock's script gives a holder that is ending
    /// <see cref="HolderEndingSeconds"/>.
    /// </summary>
    public void Dispose() => _holder.Dispose();

    /// <summary>How long a lock that is held is waited for before the wait is announced: a deploy that has just finished may still be letting it go.</summary>
    public const int HolderEndingSeconds = 1;

    /// <summary>
    /// The lock command. It prints <c>waiting OWNER</c> while it waits, <c>held OWNER</c> or
    /// <c>legacy OWNER</c> before exiting when it cannot take the lock, <c>leftover NAME</c> for each
    /// half-made release it removes, <c>live NAME</c> and the history lines naming the live release
    /// (the downgrade guard's question, answered under the lock), then <c>locked PID</c>, and holds
    /// the lock until its input ends. With <paramref name="liveManifest"/> it prints the live release's
    /// manifest after the history: the line <c>manifest-gz</c>, it compressed and encoded as <c>base64</c>
    /// wraps it, and the line <c>manifest-gz-end</c>; or one line, <c>manifest</c> and it as it is
    /// (line breaks are only whitespace in JSON: a string cannot hold one),
    /// then the live release's links to <c>shared/</c> (<see cref="ScriptFragments.LiveSharedLinks"/>);
    /// and <c>unpacks zstd</c> before <c>locked</c> when the server has <c>zstd</c>. Without <paramref name="owner"/> a later script names the
    /// holder (<see cref="OwnerLine(string)"/>), so a deploy refused before it changes anything
    /// leaves the lock file as it was.
    /// The shell holds the lock and its output; <c>cat</c> only waits for the end of the input, so
    /// stopping the shell (<c>AtomicDeployUnlock</c>) frees the lock and ends the output at once.
    /// A deploy does not wait for its lock's end (over SSH a round trip): the lock goes on the server
    /// when the end of the input arrives. So a lock that is held is first given
    /// <see cref="HolderEndingSeconds"/> quietly, the time a holder that is ending needs, before the
    /// wait is announced (or, with no wait allowed, refused).
    /// The release markers it reads are written by <see cref="PendingRelease"/>.
    /// Once its input has ended, still holding the lock, it deletes what the deploy's prune moved to
    /// <see cref="PruneScripts.TrashFolder"/> (<see cref="PruneScripts.DeleteTrash"/>): the deploy does
    /// not wait for that, and the next deploy's lock waits until it is done. What it could not delete
    /// the next prune finds there, deletes and reports.
    /// </summary>
    public static string Script(string root, string? owner, int waitSeconds, bool liveManifest = false) => RemoteScripts.Preamble + $$"""
        mkdir -p -- {{Quote(root)}}/.atomicdeploy
        cd -- {{Quote(root)}}
        legacy() {
          if [ -d .atomicdeploy/lock ]; then
            printf 'legacy %s\n' "$(cat .atomicdeploy/lock/owner 2>/dev/null || echo 'unknown (no owner file)')"
            exit {{HeldExitCode}}
          fi
        }
        legacy
        exec 9>>.atomicdeploy/deploy.lock
        if ! flock -n 9 && ! flock -w {{HolderEndingSeconds}} 9; then
          wait={{waitSeconds.ToString(CultureInfo.InvariantCulture)}}
          if [ "$wait" -gt 0 ]; then printf 'waiting %s\n' "$(cat .atomicdeploy/deploy.lock)"; fi
          if [ "$wait" -eq 0 ] || ! flock -w "$wait" 9; then
            printf 'held %s\n' "$(cat .atomicdeploy/deploy.lock)"
            exit {{HeldExitCode}}
          fi
        fi
        legacy
        {{(owner is null ? ":" : OwnerLine(Quote(owner), "\"$$\"").TrimEnd())}}
        live=$(readlink current 2>/dev/null || true)
        name=${live#releases/}
        if [ "releases/$name" = "$live" ] && [ -d "$live" ]; then
          printf 'live %s\n' "$name"
          if [ -f .atomicdeploy/log.jsonl ]; then grep -F -- "\"$name\"" .atomicdeploy/log.jsonl | sed 's/^/history /' || true; fi
          {{(liveManifest ? ManifestLines + "\n" + ScriptFragments.LiveSharedLinks("\"$live\"").TrimEnd() : ":")}}
        fi
        {{PendingRelease.CleanUp}}
        if command -v zstd >/dev/null 2>&1; then printf 'unpacks zstd\n'; fi
        printf 'locked %s\n' "$$"
        cat >/dev/null 2>&1 9>&-
        { {{PruneScripts.DeleteTrash(report: false).Trim().Replace("\n", "\n  ", StringComparison.Ordinal)}}
        } >/dev/null 2>&1 || true
        """;

    /// <summary>
    /// The live manifest's lines: gzip-compressed and base64-encoded where the server has both (every
    /// Debian and Ubuntu; a 50,000-file manifest of 6 MB comes as 2 MB, read a line of 76 characters
    /// at a time), else as it is on one line, its line breaks removed.
    /// </summary>
    private const string ManifestLines = """
        m=".atomicdeploy/manifests/$name.json"
        if [ -f "$m" ]; then
          if command -v gzip >/dev/null 2>&1 && command -v base64 >/dev/null 2>&1; then
            printf 'manifest-gz\n'; gzip -1 -c < "$m" | base64; printf '\nmanifest-gz-end\n'
          else
            printf 'manifest '; tr -d '\r\n' < "$m"; printf '\n'
          fi
        fi
        """;

    /// <summary>
    /// Shell function <c>holds_lock PID</c>, run in the deploy folder: true only when process PID has
    /// <c>.atomicdeploy/deploy.lock</c> open with a <c>flock</c> on it (its <c>/proc</c> fd link and
    /// the lock line of that fd's <c>fdinfo</c>). The pid written in the file is only what the last
    /// holder wrote: after a reboot or a crash it may belong to an unrelated program, which must not
    /// be killed. Where <c>/proc</c> does not say so (another user's process, no procfs), it is false.
    /// </summary>
    public const string HolderCheck = """
        holds_lock() {
          lockfile="$(pwd -P)/.atomicdeploy/deploy.lock"
          for fd in /proc/"$1"/fd/*; do
            [ "$(readlink "$fd" 2>/dev/null)" = "$lockfile" ] || continue
            if grep -q '^lock:.*FLOCK' /proc/"$1"/fdinfo/"${fd##*/}" 2>/dev/null; then return 0; fi
          done
          return 1
        }
        """;

    private static ReleaseHistory LiveOnly(string? live, IReadOnlyList<string> history) =>
        ReleaseHistory.From(new RemoteState(live is null ? string.Empty : "releases/" + live, live, live is null ? [] : [live], null, string.Empty), history);

    /// <summary>
    /// The lines after <see cref="CompressedManifestStart"/> up to <see cref="CompressedManifestEnd"/>,
    /// each decoded as it comes (<c>base64</c> wraps at 76 characters, whole groups of four): a
    /// 50,000-file manifest is 2 MB of bytes, never a 3-million-character line read into one string.
    /// Null when a line is not base64 (a wrap that cuts a group, a damaged stream): then the state
    /// query reads the manifest. Every line up to the end is read either way. The end line comes
    /// after an empty one (which decodes to nothing), so a last line without its line break cannot
    /// hide it.
    /// </summary>
    internal static ReadOnlyMemory<byte>? ReadCompressedManifest(RemoteProcess holder, TimeSpan wait, CancellationToken cancellationToken)
    {
        var bytes = new System.Buffers.ArrayBufferWriter<byte>(1 << 16);
        var whole = true;
        while (holder.ReadLine(wait, cancellationToken) is { } line && line != CompressedManifestEnd)
        {
            if (whole && Convert.TryFromBase64Chars(line, bytes.GetSpan((line.Length / 4 * 3) + 3), out var written))
            {
                bytes.Advance(written);
            }
            else
            {
                whole = false;
            }
        }

        // Not "whole ? memory : null": that null would become an empty memory (byte[] converts to it).
        return whole ? bytes.WrittenMemory : default(ReadOnlyMemory<byte>?);
    }

    private static ReleaseManifest? ParseOrNull(string? line, ReadOnlyMemory<byte>? compressed, CompressedManifests? manifests, IDeployLog log, string host)
    {
        try
        {
            return compressed is { } gzip ? manifests?.Parse(gzip) ?? ReleaseManifest.ParseCompressed(gzip)
                : line is null ? null
                : ReleaseManifest.Parse(line.AsSpan(ManifestWord.Length));
        }
        catch (DeployException e)
        {
            // Not a manifest (damaged, or not ours): the state query reads it again and says what is wrong.
            log.Detail($"  {host}: the live manifest the lock's channel brought is not used ({e.Code}); the state query reads it again.");
            return null;
        }
    }

    private static (string Word, string Text) Split(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (line, string.Empty) : (line[..space], line[(space + 1)..]);
    }
}
