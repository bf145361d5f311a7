#!/usr/bin/env bash
# The benchmark as users run it: every AtomicDeploy run is a fresh `dotnet publish --no-build
# -p:AtomicDeploy=true` of the dataset's app (the package packed from this repository), timed
# against `dotnet publish --no-build` alone and against the rsync script users would write, all
# through a simulated slow link (50 ms round trip, 100 Mbit/s) to a real sshd on 127.0.0.1. Prints
# the tables (goals met / not met, round trips next to the link's floor, the cold-start breakdown)
# and writes docs/benchmarks.md. Options (passed on): --runs N (default 5), --first-runs N (default
# 3), --large-runs N (default 3, the 50,000-file scenario), --only
# first,none,one,small,renamed,previous,large,memory,fleet (a quick look; writes no file; --only fleet
# rewrites just the Fleet section), --skip-fleet (keeps the Fleet section as it is), --fleet-hosts
# 1,4,20 (the default: the host counts of the fleet section, each deploy a fresh dotnet publish,
# the largest count of sshd servers started, each behind its own link), --skip-memory, --steps, --delay-ms 25, --mbit 100. The dataset and the app are cached
# in artifacts/bench/; the first run publishes them (needs nuget.org for the runtime packs).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=""
command -v rsync >/dev/null 2>&1 || missing="$missing rsync"
# The server end (this machine) has zstd, so the upload is compressed with it, as for a user whose server has it.
command -v zstd >/dev/null 2>&1 || missing="$missing zstd"
[ -x /usr/sbin/sshd ] || missing="$missing openssh-server"
command -v ssh >/dev/null 2>&1 || missing="$missing openssh-client"
[ -x /usr/bin/time ] || missing="$missing time"
if [ -n "$missing" ]; then
  echo "Installing what the benchmark needs:$missing"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends $missing
fi

dotnet build tests/AtomicDeploy.Benchmarks/AtomicDeploy.Benchmarks.csproj -c Release --nologo -v quiet
dotnet artifacts/bin/AtomicDeploy.Benchmarks/release/AtomicDeploy.Benchmarks.dll --repo "$PWD" "$@"
