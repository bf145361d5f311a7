using static AtomicDeploy.Core.Remote.ShellQuote;

namespace AtomicDeploy.Core.Remote;

/// <summary>The server's half of <see cref="Manifest.ManifestDelta"/>: the new manifest rebuilt from the live one and the upload's delta.</summary>
public static class ManifestDeltaScripts
{
    /// <summary>The line the upload prints when the delta did not rebuild the manifest it names (the client then sends it whole).</summary>
    public const string RefusedMarker = "atomicdeploy-manifest-delta-refused";

    /// <summary>Where the archive carries the delta for release <paramref name="release"/>, relative to the deploy folder.</summary>
    public static string DeltaPath(string release) => $".atomicdeploy/manifests/{release}.delta";

    /// <summary>
    /// Shell lines, run in the deploy folder after the archive was unpacked: when it carried a delta,
    /// one <c>awk</c> (in the C locale, so it works on bytes) cuts the manifest of <paramref name="basis"/>
    /// into records and writes the new one from them and the delta; it is kept as
    /// <paramref name="release"/>'s manifest only if it has the SHA-256 the delta's first line names.
    /// Otherwise nothing is kept and <see cref="RefusedMarker"/> is printed.
    /// </summary>
    public static string Rebuild(string release, string basis)
    {
        var manifest = Quote($".atomicdeploy/manifests/{release}.json");
        return $$"""
            d={{Quote(DeltaPath(release))}}
            if [ -f "$d" ]; then
              IFS=' ' read -r tag want < "$d" || want=
              got=
              if LC_ALL=C awk -v base={{Quote($".atomicdeploy/manifests/{basis}.json")}} '
                BEGIN { start = "{\"path\":" }
                NR == 1 {
                  if ($1 != "{{Manifest.ManifestDelta.Tag}}" || (getline whole < base) <= 0) exit 1
                  n = split(whole, rec, /[{]"path":/); b = 1; next
                }
                /^=[0-9]+$/ {
                  for (c = substr($0, 2) + 0; c > 0; c--) { if (b > n) exit 1; printf "%s%s", (b > 1 ? start : ""), rec[b]; b++ }
                  next
                }
                /^-[0-9]+$/ { b += substr($0, 2) + 0; next }
                /^[+]/ { printf "%s", substr($0, 2); next }
                { exit 1 }
              ' "$d" > {{manifest}}.tmp; then got=$(sha256sum < {{manifest}}.tmp 2>/dev/null) || got=; fi
              if [ -n "$want" ] && [ "${got%% *}" = "$want" ]; then
                mv -f -- {{manifest}}.tmp {{manifest}}
              else
                rm -f -- {{manifest}}.tmp
                printf '%s\n' '{{RefusedMarker}}'
              fi
              rm -f -- "$d"
            fi
            """;
    }

    /// <summary>A script that writes standard input as release <paramref name="release"/>'s manifest (after a refused delta).</summary>
    public static string WriteWhole(string root, string release)
    {
        var manifest = Quote($".atomicdeploy/manifests/{release}.json");
        return RemoteScripts.Preamble + RemoteScripts.DrainInputOnExit + $$"""
            cd -- {{Quote(root)}}
            cat > {{manifest}}.tmp
            mv -f -- {{manifest}}.tmp {{manifest}}
            """;
    }
}
