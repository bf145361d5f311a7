using System.Globalization;
using System.Text;
using AtomicDeploy.Core.Planning;
using static AtomicDeploy.Core.Remote.ShellQuote;

namespace AtomicDeploy.Core.Remote;

/// <summary>
/// Makes every declared shared path of a new release a link to <c>shared/</c>, even when the
/// publish output ships something there (a sample post in <c>wwwroot/Posts/</c>, a template
/// <c>Data/app.db</c>): the shared copy wins. When <c>shared/</c> does not have the path yet (the
/// first deploy that declares it), the live release's copy seeds it if the live release has one
/// (it holds what production wrote: a database the app filled before the path was declared),
/// otherwise the new release's copy; then the new release's copy is removed, so the drop-down
/// listing that follows links the path.
/// </summary>
/// <remarks>
/// The seed is a full copy (<c>cp -a</c>, which copies links as links and never follows them),
/// not a move: under hard links the new release's files are the live release's inodes, and a
/// database the app then writes in <c>shared/</c> must not be the one older releases hold. It is
/// copied under a temporary name and renamed into place with <c>mv -Tn</c>, which never replaces
/// anything <c>shared/</c> has. Removing the release's copy only unlinks names in the new
/// release; nothing is written through a hard link.
/// </remarks>
public static class SharedSeedScripts
{
    /// <summary>Prefix of each line the script prints: index of the declared path, <c>seeded</c> (from the new release), <c>seeded-live</c> (from the live release) or <c>replaced</c>, and a count.</summary>
    public const string SeedMarker = "atomicdeploy-seed ";

    /// <summary>
    /// Shell lines, run in the deploy folder after <c>set -eu</c>, for <paramref name="shared"/>
    /// (folders first, then files, numbered in that order) in <paramref name="release"/>. The parent
    /// folders in <c>shared/</c> are created first the safe way (<see cref="SharedPathScripts"/>).
    /// </summary>
    public static string Seed(string release, SharedPathList shared)
    {
        var declared = shared.Folders.Select(f => (Kind: 'd', Path: f)).Concat(shared.Files.Select(f => (Kind: 'f', Path: f))).ToArray();
        if (declared.Length == 0)
        {
            return string.Empty;
        }

        var parents = declared.Select(d => d.Path).Where(p => p.Contains('/', StringComparison.Ordinal)).Select(p => p[..p.LastIndexOf('/')]).Distinct(StringComparer.Ordinal);
        var script = new StringBuilder(SharedPathScripts.CreateDeclared(parents, []));
        script.Append(CultureInfo.InvariantCulture, $$"""
            seed_live=$(readlink current 2>/dev/null || true)
            case "$seed_live" in releases/*/* | releases/.* | releases/) seed_live= ;; releases/*) ;; *) seed_live= ;; esac
            if [ "$seed_live" = {{Quote("releases/" + release)}} ]; then seed_live=; fi
            seed_kind() {
              [ ! -L "$2" ] && { { [ "$1" = d ] && [ -d "$2" ]; } || { [ "$1" = f ] && [ -f "$2" ]; }; }
            }
            seed_shared() {
              i=$1; kind=$2; r={{Quote("releases/" + release)}}/$3; s=shared/$3
              if [ -L "$r" ]; then rm -f -- "$r"; printf '{{SeedMarker}}%s replaced 0\n' "$i"; return 0; fi
              state=replaced; n=0; from=
              if [ ! -e "$s" ] && [ ! -L "$s" ]; then
                if [ -n "$seed_live" ] && seed_kind "$kind" "$seed_live/$3"; then from=$seed_live/$3; state=seeded-live
                elif seed_kind "$kind" "$r"; then from=$r; state=seeded
                fi
              fi
              if [ -z "$from" ] && [ ! -e "$r" ]; then return 0; fi
              if [ -n "$from" ]; then
                tmp="${s%/*}/.atomicdeploy-seed.$$"
                rm -rf -- "$tmp"
                cp -a -- "$from" "$tmp"
                mv -Tn -- "$tmp" "$s" 2>/dev/null || true
                if [ -e "$tmp" ] || [ -L "$tmp" ]; then rm -rf -- "$tmp"; state=replaced
                elif [ "$kind" = d ]; then n=$(find "$s" -mindepth 1 | wc -l)
                else n=1
                fi
              fi
              if [ -d "$r" ]; then find "$r" -type d ! -perm -u+rwx -exec chmod u+rwx {} +; fi
              rm -rf -- "$r"
              printf '{{SeedMarker}}%s %s %s\n' "$i" "$state" "$n"
            }

            """);
        for (var i = 0; i < declared.Length; i++)
        {
            script.Append(CultureInfo.InvariantCulture, $"seed_shared {i} {declared[i].Kind} {Quote(declared[i].Path)}\n");
        }

        return script.ToString();
    }
}
