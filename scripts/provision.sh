#!/usr/bin/env bash
# Makes a Debian 12 machine ready to run nslab: the Debian packages it drives, Node.js 20.19+,
# `npm ci`, and `nslab` on PATH. Vagrant runs it as root when the VM is first brought up;
# it is safe to run again by hand, and each step does nothing when it has nothing to do.
#
# Usage: scripts/provision.sh [PROJECT_DIR]   (default: the checkout this script is in)
#   NSLAB_BIN_DIR   where the `nslab` symlink goes (default /usr/local/bin)
#   NSLAB_NODE_MAJOR the NodeSource line installed when no suitable node is found (default 20)
#
# It never touches the machine's network configuration (links, addresses, routes, sysctls,
# firewall): nslab builds everything inside its own namespaces.
set -euo pipefail

PACKAGES=(iproute2 bridge-utils iptables nftables iputils-ping procps kmod tcpdump fping)
NODE_MIN_MAJOR=20
NODE_MIN_MINOR=19
NODE_MAJOR="${NSLAB_NODE_MAJOR:-20}"
BIN_DIR="${NSLAB_BIN_DIR:-/usr/local/bin}"
PROJECT_DIR="$(cd "${1:-$(dirname "$0")/..}" && pwd)"
export DEBIAN_FRONTEND=noninteractive

step() { printf '==> %s\n' "$1"; }
nothing_to_do() { printf '    nothing to do: %s\n' "$1"; }
did() { printf '    done: %s\n' "$1"; }
die() { printf 'provision: %s\n' "$1" >&2; exit 1; }

missing_packages() {
  local pkg
  for pkg in "$@"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != installed ]; then
      printf '%s\n' "$pkg"
    fi
  done
}

# Installs only the packages that are not installed yet; prints what it did.
ensure_packages() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  if [ "${#missing[@]}" -eq 0 ]; then
    nothing_to_do "already installed: $*"
    return
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  did "installed ${missing[*]}"
}

node_is_recent() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || return 1
  local version major minor
  version="$(node --version)"
  version="${version#v}"
  major="${version%%.*}"
  minor="${version#*.}"
  minor="${minor%%.*}"
  [ "$major" -gt "$NODE_MIN_MAJOR" ] || { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "$minor" -ge "$NODE_MIN_MINOR" ]; }
}

# Debian 12's own nodejs is 18, too old for nslab, so Node comes from NodeSource's signed apt
# repository (their documented manual setup); apt verifies every package against its key.
install_node() {
  ensure_packages ca-certificates curl gnupg
  install -d -m 0755 /etc/apt/keyrings
  curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key |
    gpg --dearmor --yes -o /etc/apt/keyrings/nodesource.gpg
  echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_${NODE_MAJOR}.x nodistro main" \
    >/etc/apt/sources.list.d/nodesource.list
  apt-get update -qq
  apt-get install -y -qq nodejs >/dev/null
  node_is_recent || die "node $(node --version 2>/dev/null || echo missing) after installing nodejs ${NODE_MAJOR}.x; nslab needs ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR} or later"
  did "installed node $(node --version) from NodeSource ${NODE_MAJOR}.x"
}

# npm ci always wipes node_modules, so it runs only when the lockfile or node changed since
# the last successful install; the stamp lives inside node_modules and goes with it.
dependencies_stamp() {
  printf '%s node %s\n' "$(sha256sum "$PROJECT_DIR/package-lock.json" | cut -d' ' -f1)" "$(node --version)"
}

install_dependencies() {
  local stamp_file="$PROJECT_DIR/node_modules/.nslab-provisioned"
  local want
  want="$(dependencies_stamp)"
  if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want" ]; then
    nothing_to_do "node_modules matches package-lock.json"
    return
  fi
  # --prefer-offline: the lockfile pins every version and hash, so a cached copy is as good.
  (cd "$PROJECT_DIR" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error)
  printf '%s\n' "$want" >"$stamp_file"
  did "npm ci in $PROJECT_DIR"
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
command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script is for Debian 12 (or Ubuntu)"

echo "provision: nslab in $PROJECT_DIR"
step "Debian packages nslab drives"
ensure_packages "${PACKAGES[@]}"

step "Node.js ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR} or later"
if node_is_recent; then
  nothing_to_do "node $(node --version) at $(command -v node)"
else
  install_node
fi

step "npm dependencies"
install_dependencies

step "nslab on PATH"
link_cli

echo "provision: ready; try: cd $PROJECT_DIR && sudo npm start"
