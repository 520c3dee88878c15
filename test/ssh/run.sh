#!/usr/bin/env bash
# npm run test:ssh — the target layer (extension/src/target) against a real OpenSSH server: its own sshd on
# 127.0.0.1 (keys, config and known_hosts in a temp folder), "the remote" being this machine. Installs what is
# missing, idempotent; the server is stopped and its folder removed at the end, whatever happens.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"

have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
need=()
have_cmd ssh || need+=(openssh-client)
[[ -x /usr/sbin/sshd ]] || need+=(openssh-server)
have_cmd sudo || need+=(sudo)
have_cmd gcc || need+=(gcc)
have_cmd make || need+=(make)
have_pkg libc6-dev || need+=(libc6-dev)
have_pkg linux-libc-dev || need+=(linux-libc-dev)
have_cmd ss || need+=(iproute2)
have_cmd ps || need+=(procps)
have_cmd useradd || need+=(passwd)
if ((${#need[@]})); then
  echo "test:ssh: installing ${need[*]}"
  # openssh-server's install starts the system's sshd (port 22, every address) unless policy-rc.d forbids it:
  # this tier starts only its own server, on 127.0.0.1.
  made_policy=
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  [[ -z $made_policy ]] || rm -f /usr/sbin/policy-rc.d
fi
if [[ ! -x node_modules/.bin/tsx ]]; then
  echo "test:ssh: node_modules is missing (run npm ci first)" >&2
  exit 1
fi

# The static helper the "no compiler" path uploads (dist/native/<arch>/nlhelper), for this machine's architecture.
bash native/build-static.sh "$(uname -m)"
# dist/cli.js, which exercise-cli.test.ts runs as a user (and CI) does.
node esbuild.mjs

sshd_dir=$(mktemp -d /tmp/nlwb-sshd-XXXXXX)
cleanup() {
  node --import tsx test/ssh/sshd.ts stop "$sshd_dir" || true
  rm -rf "$sshd_dir"
}
trap cleanup EXIT
node --import tsx test/ssh/sshd.ts start "$sshd_dir"
export NETLINK_SSH_TEST_DIR=$sshd_dir

node --import tsx --test --test-reporter=spec test/ssh/*.test.ts
