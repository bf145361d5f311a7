#!/usr/bin/env bash
# The benchmark of the deploy step: AtomicDeploy against the rsync script users would write, both
# through a simulated slow link (50 ms round trip, 100 Mbit/s) to a real sshd on 127.0.0.1. Prints
# the table and writes docs/benchmarks.md. Options (passed on): --runs N (default 5),
# --first-runs N (default 3), --only first,none,one,small,tenth,fleet (a quick look; writes no file; --only fleet rewrites just
# the Fleet section), --fleet-hosts N (default 4),
# --skip-memory, --steps (print when each engine step ends), --delay-ms 25, --mbit 100. Takes a few minutes; the dataset is cached in
# artifacts/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=""
command -v rsync >/dev/null 2>&1 || missing="$missing rsync"
[ -x /usr/sbin/sshd ] || missing="$missing openssh-server"
command -v ssh >/dev/null 2>&1 || missing="$missing openssh-client"
if [ -n "$missing" ]; then
  echo "Installing what the benchmark needs:$missing"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends $missing
fi

dotnet build tests/AtomicDeploy.Benchmarks/AtomicDeploy.Benchmarks.csproj -c Release --nologo -v quiet
dotnet artifacts/bin/AtomicDeploy.Benchmarks/release/AtomicDeploy.Benchmarks.dll --repo "$PWD" "$@"
