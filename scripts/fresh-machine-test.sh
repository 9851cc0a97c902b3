#!/usr/bin/env bash
# Proves the README's set-up on a machine that has nothing: builds a minbase Debian root with
# mmdebstrap (only nodejs, npm and ca-certificates added), clones this checkout into it, and
# runs the README's Quick start and Tests commands there, taken from the README's own code
# blocks, so a README edit that breaks set-up fails this test.
#
# Usage: scripts/fresh-machine-test.sh            (as root; needs mmdebstrap, git, unshare)
#   NSLAB_FRESH_SUITE   Debian suite of the bare root (default trixie: Debian 13)
#   NSLAB_FRESH_MIRROR  Debian mirror (default http://deb.debian.org/debian)
#   NSLAB_FRESH_KEEP=1  keep the root afterwards, for a look inside
#   NSLAB_TEST_RESULTS  a directory here to copy the tests' JSON results into (CI's summary)
#
# This is where CI runs the whole suite, once: the run that proves the README's commands on a
# fresh machine is also the test run.
# The root is entered through its own mount namespace with the root bind-mounted onto itself
# (else `ip netns exec` cannot remount / there). Set-up needs the network (apt, npm), so it
# runs in this machine's network namespace, changing nothing in it; the lab and the tests run
# in a network namespace of their own, so even the root-namespace tests touch nothing here.
# That namespace is given what a machine has: lo, and a LAN interface eth0 with a subnet route
# (on TEST-NET-1, 192.0.2.0/24, leading nowhere). The kernel's neighbour limits stay invisible
# there (they live in the initial namespace only), and `nslab doctor` says so.
# Everything it made is removed on the way out, on failure too.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
suite="${NSLAB_FRESH_SUITE:-trixie}"
mirror="${NSLAB_FRESH_MIRROR:-http://deb.debian.org/debian}"

say() { printf 'fresh-machine: %s\n' "$*"; }
die() { printf 'fresh-machine: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run it as root: it builds a Debian root and creates namespaces"
for tool in mmdebstrap git unshare chroot; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (run scripts/provision.sh: it installs the tools of every test)"
done

# The README's commands: the first sh block under a heading. `sudo` is dropped, as the bare
# root has none and everything here already runs as root.
readme_block() {
  awk -v heading="$1" '
    /^## / { inside = ($0 == "## " heading); next }
    inside && /^```sh$/ { block = 1; next }
    block && /^```$/ { exit }
    block && NF && $1 != "#" { print }
  ' "$repo/README.md" | sed -E 's/[[:space:]]+#.*$//; s/^sudo //'
}
mapfile -t setup < <(readme_block "Quick start")
mapfile -t tests < <(readme_block "Tests")
[ "${#setup[@]}" -gt 0 ] || die "README.md has no sh block under '## Quick start'"
[ "${#tests[@]}" -gt 0 ] || die "README.md has no sh block under '## Tests'"

work="$(mktemp -d /var/tmp/nslab-fresh.XXXXXX)"
root="$work/root"

cleanup() {
  local pid
  # Whatever a test left running in the root goes with it.
  for pid in /proc/[0-9]*; do
    [ "$(readlink "$pid/root" 2>/dev/null)" = "$root" ] && kill -9 "${pid#/proc/}" 2>/dev/null
  done
  if [ "${NSLAB_FRESH_KEEP:-0}" = 1 ]; then
    say "kept $root"
  else
    rm -rf --one-file-system "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

elapsed() { printf '%ds' "$((SECONDS - $1))"; }

start=$SECONDS
say "building a bare Debian root ($suite, minbase + nodejs npm ca-certificates) in $root"
log="$work/mmdebstrap.log"
if ! mmdebstrap --variant=minbase --include=nodejs,npm,ca-certificates "$suite" "$root" "$mirror" >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  die "mmdebstrap failed (above)"
fi
say "root built in $(elapsed "$start"): $(chroot "$root" node --version), no iproute2: $(chroot "$root" sh -c 'command -v ip || echo absent')"

# The machine's network settings go in as any machine on this network has them: where it
# resolves names and which certificate authorities it trusts (a TLS-inspecting proxy's CA,
# and npm's cafile setting for it). Nothing of nslab's own set-up is copied.
cp /etc/resolv.conf "$root/etc/resolv.conf"
if [ -d /usr/local/share/ca-certificates ]; then
  cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
fi
[ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
[ -f /etc/npmrc ] && cp /etc/npmrc "$root/etc/npmrc"

# Where a root user on a bare machine clones it: their home, which no other user may enter.
git clone --quiet "$repo" "$root/root/nslab"
say "cloned $(git -C "$repo" rev-parse --short HEAD) into /root/nslab"

# Runs one command in the root, from the checkout. $1 says whether it gets the machine's
# network ("net", for set-up) or a network namespace of its own ("isolated").
in_root() {
  local network="$1" command="$2" unshare_args=(--mount --propagation private --fork)
  [ "$network" = isolated ] && unshare_args+=(--net)
  # shellcheck disable=SC2016 # the inner script expands its own variables, in the new namespace
  unshare "${unshare_args[@]}" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    CI="${CI:-}" NODE_EXTRA_CA_CERTS="${NODE_EXTRA_CA_CERTS:-}" NSLAB_TEST_RESULTS="${results_inside:-}" ROOT="$root" COMMAND="$command" NETWORK="$network" /bin/bash -euc '
      mount --bind "$ROOT" "$ROOT"
      mount -t proc proc "$ROOT/proc"
      mount -t sysfs sysfs "$ROOT/sys"
      mount --rbind /dev "$ROOT/dev"
      mount -t tmpfs tmpfs "$ROOT/run"
      mount -t tmpfs tmpfs "$ROOT/tmp"
      if [ "$NETWORK" = isolated ]; then
        ip link set lo up
        ip link add eth0 type veth peer name eth0-lan
        ip addr add 192.0.2.15/24 dev eth0
        ip link set eth0-lan up
        ip link set eth0 up
      fi
      exec chroot "$ROOT" /bin/bash -c "cd /root/nslab && $COMMAND"
    '
}

failed=0
run_phase() {
  local phase="$1" network="$2" command t
  shift 2
  for command in "$@"; do
    t=$SECONDS
    say "[$phase] $command"
    if in_root "$network" "$command"; then
      say "[$phase] ok in $(elapsed "$t"): $command"
    else
      say "[$phase] FAILED after $(elapsed "$t"): $command"
      failed=1
      return 1
    fi
  done
}

# Each phase's time, for the caller's record of where CI's minutes go.
results_inside=""
if [ -n "${NSLAB_TEST_RESULTS:-}" ]; then
  results_inside=/root/nslab/.ci/results
  mkdir -p "$root$results_inside"
fi
copy_results() {
  [ -n "${NSLAB_TEST_RESULTS:-}" ] || return 0
  mkdir -p "$NSLAB_TEST_RESULTS"
  cp "$root$results_inside"/*.json "$NSLAB_TEST_RESULTS"/ 2>/dev/null || true
}

# The first set-up command installs; it needs the network. What follows runs isolated.
run_phase "quick start" net "${setup[0]}" || exit 1
run_phase "quick start" isolated "${setup[@]:1}" || exit 1
tests_ok=0
run_phase "tests" isolated "${tests[@]}" || tests_ok=1
copy_results
[ "$tests_ok" -eq 0 ] || exit 1

[ "$failed" -eq 0 ] && say "passed in $(elapsed "$start"): the README's set-up and tests on a bare $suite root"
