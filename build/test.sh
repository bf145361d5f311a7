#!/usr/bin/env bash
# The one command that runs every test: installs what the tests need if it is missing, runs the
# suite, and ends with the line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

# The tests start their own sshd and nginx on 127.0.0.1, make keys with ssh-keygen, commit a
# sample app with git, and the server side of the health check fetches its URL with curl; fleet
# tests use unshare and mount (util-linux, mount), and the sample is started by systemd-socket-activate
# (systemd); the jump host tests hide a server in a network namespace (ip from iproute2) and bridge
# the bastion's port out with socat; the agent tests run ssh-agent and ssh-add (openssh-client);
# the prune tests find a release's running process with pgrep (procps); the upload is compressed
# with zstd where the server has it, and tested both with it and without it (zstd).
# Install whatever of these is missing (Debian's packages).
missing=""
[ -x /usr/sbin/sshd ] || missing="$missing openssh-server"
[ -x /usr/sbin/nginx ] || missing="$missing nginx-light"
command -v ssh-keygen >/dev/null 2>&1 || missing="$missing openssh-client"
command -v git >/dev/null 2>&1 || missing="$missing git"
command -v curl >/dev/null 2>&1 || missing="$missing curl"
command -v flock >/dev/null 2>&1 || missing="$missing util-linux"
command -v mount >/dev/null 2>&1 || missing="$missing mount"
command -v systemd-socket-activate >/dev/null 2>&1 || missing="$missing systemd"
command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
command -v socat >/dev/null 2>&1 || missing="$missing socat"
command -v pgrep >/dev/null 2>&1 || missing="$missing procps"
command -v zstd >/dev/null 2>&1 || missing="$missing zstd"
if [ -n "$missing" ]; then
  echo "Installing what the tests need:$missing"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends $missing
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
set +e
dotnet test AtomicDeploy.Tasks.sln -c Release --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@"
status=$?
set -e

counters=$(grep -ho '<Counters [^>]*>' "$results"/*.trx 2>/dev/null | head -n 1 || true)
count() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
total=$(count total)
executed=$(count executed)
passed=$(count passed)
failed=$(( $(count failed) + $(count error) + $(count timeout) + $(count aborted) ))
skipped=$(( total - executed ))
if [ -z "$counters" ]; then
  echo "No test results were written (the build or the test host failed)."
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
