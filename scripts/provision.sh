#!/usr/bin/env bash
# Makes a Debian 12/13 or Ubuntu 24.04 machine ready for nslab: every Debian package the labs
# and the tests use, Node.js 20.19+ from the distribution, `npm ci`, and `nslab` on PATH.
# It is the README's first set-up command, what the Vagrantfile runs, and what CI runs, so the
# three cannot drift apart. It is idempotent: each step does nothing when there is nothing to
# do. Quiet on success: it prints what it changed and one closing line (-v: every step).
#
# Usage: scripts/provision.sh [-v] [PROJECT_DIR]   (default: the checkout this script is in)
#   NSLAB_BIN_DIR   where the `nslab` symlink goes (default /usr/local/bin)
#
# It never touches the machine's network configuration (links, addresses, routes, sysctls,
# firewall): nslab builds everything inside its own namespaces.
set -euo pipefail

# What the labs drive (iproute2 ... fping; net-tools for the articles' ifconfig and route, util-linux
# for flock, the lock of one change at a time), and what the tests use besides: shellcheck lints
# the shell scripts, librsvg2-bin renders diagrams to PNG for review, mmdebstrap and git build
# and fill the bare root of scripts/fresh-machine-test.sh; chromium (Debian's, driven by playwright-core,
# which downloads no browser) is the real browser the tests of `nslab web` open its page in, with
# fonts for its Latin and Korean text (the articles' words).
PACKAGES=(iproute2 bridge-utils iptables nftables iputils-ping iputils-arping procps kmod tcpdump fping time net-tools util-linux shellcheck librsvg2-bin mmdebstrap git chromium fonts-dejavu-core fonts-nanum)
NODE_MIN_MAJOR=20
NODE_MIN_MINOR=19
BIN_DIR="${NSLAB_BIN_DIR:-/usr/local/bin}"
VERBOSE=0
if [ "${1:-}" = "-v" ]; then VERBOSE=1; shift; fi
PROJECT_DIR="$(cd "${1:-$(dirname "$0")/..}" && pwd)"
export DEBIAN_FRONTEND=noninteractive
CHANGED=0

step() { [ "$VERBOSE" -eq 0 ] || printf '==> %s\n' "$1"; }
nothing_to_do() { [ "$VERBOSE" -eq 0 ] || printf '    nothing to do: %s\n' "$1"; }
did() { CHANGED=1; printf '    done: %s\n' "$1"; }
die() { printf 'provision: %s\n' "$1" >&2; exit 1; }

# apt prints warnings on stderr that say nothing about success (debconf without apt-utils,
# for one); its output is kept and shown only when it fails.
apt_quiet() {
  local log
  log="$(mktemp)"
  if ! apt-get "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    die "apt-get $* failed (its output is above)"
  fi
  rm -f "$log"
}

APT_UPDATED=0
apt_update_once() {
  [ "$APT_UPDATED" -eq 1 ] || apt_quiet update -qq
  APT_UPDATED=1
}

missing_packages() {
  local pkg
  for pkg in "$@"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != installed ]; then
      printf '%s\n' "$pkg"
    fi
  done
}

# Installs only the packages that are not installed yet.
ensure_packages() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  if [ "${#missing[@]}" -eq 0 ]; then
    nothing_to_do "already installed: $*"
    return
  fi
  apt_update_once
  apt_quiet install -y -qq --no-install-recommends "${missing[@]}"
  did "installed ${missing[*]}"
}

# Is "X.Y..." at least NODE_MIN_MAJOR.NODE_MIN_MINOR?
recent_enough() {
  local version="${1#v}" major minor
  version="${version#*:}"
  major="${version%%.*}"
  minor="${version#*.}"
  minor="${minor%%.*}"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  [ "$major" -gt "$NODE_MIN_MAJOR" ] || { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "$minor" -ge "$NODE_MIN_MINOR" ]; }
}

node_is_recent() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && recent_enough "$(node --version)"
}

# Debian 13 and Ubuntu 24.04 carry a new enough Node.js in their own archive (Debian 13:
# 20.19). Debian 12's is 18: then the script says what to install rather than adding a
# third-party repository on its own.
install_node() {
  apt_update_once
  local candidate
  candidate="$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ {print $2}')"
  if [ -z "$candidate" ] || [ "$candidate" = "(none)" ] || ! recent_enough "$candidate"; then
    die "nslab needs Node.js ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR} or later; this distribution offers ${candidate:-none}. Use Debian 13 or Ubuntu 24.04, or install Node.js ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR}+ (nodejs.org) and run this again"
  fi
  apt_quiet install -y -qq --no-install-recommends nodejs npm
  node_is_recent || die "node $(node --version 2>/dev/null || echo missing) after installing nodejs $candidate; nslab needs ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR} or later"
  did "installed node $(node --version) from the distribution"
}

# npm ci always wipes node_modules, so it runs only when the lockfile or node changed since
# the last successful install; the stamp lives inside node_modules and goes with it.
dependencies_stamp() {
  printf '%s node %s\n' "$(sha256sum "$PROJECT_DIR/package-lock.json" | cut -d' ' -f1)" "$(node --version)"
}

install_dependencies() {
  local stamp_file="$PROJECT_DIR/node_modules/.nslab-provisioned"
  local want log
  want="$(dependencies_stamp)"
  if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want" ]; then
    nothing_to_do "node_modules matches package-lock.json"
    return
  fi
  log="$(mktemp)"
  # --prefer-offline: the lockfile pins every version and hash, so a cached copy is as good.
  if ! (cd "$PROJECT_DIR" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error) >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    die "npm ci failed in $PROJECT_DIR (its output is above)"
  fi
  rm -f "$log"
  printf '%s\n' "$want" >"$stamp_file"
  did "npm ci in $PROJECT_DIR"
}

# The bundle bin/nslab starts from (0.1 s, against 0.45 s through tsx): built when missing or
# older than a source file, as bin/nslab itself would on its first run.
build_bundle() {
  local bundle="$PROJECT_DIR/dist/current/nslab.mjs" log
  if [ -f "$bundle" ] && [ -z "$(find "$PROJECT_DIR/src" "$PROJECT_DIR/labs" "$PROJECT_DIR/bin/nslab.ts" -newer "$bundle" -print -quit)" ]; then
    nothing_to_do "the bundle is current"
    return
  fi
  log="$(mktemp)"
  if ! (cd "$PROJECT_DIR" && node scripts/build.mjs) >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    die "building the bundle failed in $PROJECT_DIR (its output is above)"
  fi
  rm -f "$log"
  did "built the bundle ($PROJECT_DIR/dist/current)"
}

link_cli() {
  local target="$PROJECT_DIR/bin/nslab" link="$BIN_DIR/nslab"
  if [ "$(readlink "$link" 2>/dev/null)" = "$target" ]; then
    nothing_to_do "$link -> $target"
    return
  fi
  if [ -e "$link" ] && [ ! -L "$link" ]; then
    die "$link exists and is not a symlink; remove it or set NSLAB_BIN_DIR"
  fi
  install -d -m 0755 "$BIN_DIR"
  ln -sfn "$target" "$link"
  did "$link -> $target"
}

[ "$(id -u)" -eq 0 ] || die "run it as root (sudo $0), it installs Debian packages"
[ -f "$PROJECT_DIR/package-lock.json" ] || die "$PROJECT_DIR has no package-lock.json: pass the nslab checkout as the first argument"
command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script is for Debian 12/13 or Ubuntu 24.04"

step "Debian packages nslab and its tests use"
ensure_packages "${PACKAGES[@]}"

step "Node.js ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR} or later"
if node_is_recent; then
  nothing_to_do "node $(node --version) at $(command -v node)"
else
  install_node
fi

step "npm dependencies"
install_dependencies

step "the bundle nslab starts from"
build_bundle

step "nslab on PATH"
link_cli

if [ "$CHANGED" -eq 1 ]; then
  echo "provision: ready in $PROJECT_DIR; next, as root: npm start"
else
  echo "provision: ready in $PROJECT_DIR (nothing to do)"
fi
