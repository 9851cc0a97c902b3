// @ts-check
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// A real dockerd (Debian's docker.io), the judge nslab's engine is held against: started in a
// network namespace of the lab's and a mount namespace of its own, on an overlay of a cached
// Debian root, so it touches nothing of the machine's; stopped with every process it made.
//
// What it starts (as root): nsenter --net=/run/netns/NS unshare --mount --propagation private
// --fork sh -c SCRIPT, where the script mounts the overlay and what dockerd needs in it
// (proc, a fresh sysfs with the cgroup v1 controllers the machine has, a tmpfs /run, /dev),
// then chroots there and becomes dockerd. Its containers go under the cgroup parent
// /nslab-<lab>, where stop finds them whatever became of dockerd.

const SCRIPT = `
set -e
lower=$1 upper=$2 work=$3 merged=$4 cgroup=$5 resolv=$6
shift 6
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$upper,workdir=$work" "$merged"
mount -t proc proc "$merged/proc"
mount -t sysfs sysfs "$merged/sys"
mount -t tmpfs tmpfs "$merged/sys/fs/cgroup"
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  mount -t cgroup2 cgroup2 "$merged/sys/fs/cgroup"
else
  for c in $(awk 'NR > 1 && $4 == 1 { print $1 }' /proc/cgroups); do
    [ -d "/sys/fs/cgroup/$c" ] || continue
    mkdir -p "$merged/sys/fs/cgroup/$c"
    mount -t cgroup -o "$c" cgroup "$merged/sys/fs/cgroup/$c" 2>/dev/null || rmdir "$merged/sys/fs/cgroup/$c"
  done
  mkdir -p "$merged/sys/fs/cgroup/systemd"
  mount -t cgroup -o none,name=systemd cgroup "$merged/sys/fs/cgroup/systemd"
fi
mount -t tmpfs tmpfs "$merged/run"
mount --rbind /dev "$merged/dev"
# The docker host's resolver, as its containers' resolv.conf will name it.
cat "$resolv" > "$merged/etc/resolv.conf"
echo "dockerd pid $$"
exec chroot "$merged" /usr/sbin/dockerd --storage-driver=vfs --host unix:///run/docker.sock --data-root /var/lib/docker --cgroup-parent "$cgroup" --iptables=true "$@"
`;

/**
 * `real-dockerd start PIDFILE NS LOWER RUNDIR CGROUP RESOLVCONF [--engine-id=ID] [DOCKERD-ARG...]`:
 * starts it detached, waits until its API listens (up to 60 s), writes its pid and mount
 * namespace to PIDFILE, prints one line, exits 0. With --engine-id, its data root starts with
 * that engine-id file (dockerd reads it verbatim: no newline), which its ULA pool derives from.
 */
export function realDockerdStart(pidfile, netns, lower, runDir, cgroup, resolvConf, ...args) {
  const upper = join(runDir, 'upper');
  const work = join(runDir, 'work');
  const merged = join(runDir, 'merged');
  for (const d of [upper, work, merged]) mkdirSync(d, { recursive: true });
  const id = args.find((a) => a.startsWith('--engine-id='))?.slice('--engine-id='.length);
  const dockerdArgs = args.filter((a) => !a.startsWith('--engine-id='));
  if (id !== undefined) {
    mkdirSync(join(upper, 'var', 'lib', 'docker'), { recursive: true });
    writeFileSync(join(upper, 'var', 'lib', 'docker', 'engine-id'), id, { mode: 0o600 });
  }
  mkdirSync(dirname(pidfile), { recursive: true });
  const child = spawn('nsenter', [`--net=/run/netns/${netns}`, 'unshare', '--mount', '--propagation', 'private', '--fork', 'sh', '-c', SCRIPT, 'sh', lower, upper, work, merged, cgroup, resolvConf, ...dockerdArgs], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let dockerd;
  const fail = (why) => {
    child.kill('SIGKILL');
    if (dockerd) stopTree(dockerd, cgroup);
    console.error(`real-dockerd: ${why}`);
    process.exit(1);
  };
  const timer = setTimeout(() => fail(`dockerd not listening after 60 s: ${err.trim().split('\n').slice(-5).join(' | ')}`), 60_000);
  child.on('exit', (code) => fail(`dockerd exited (${code}) before it listened: ${err.trim().split('\n').slice(-8).join(' | ')}`));
  child.stdout.on('data', (c) => {
    out += c;
    const m = /dockerd pid (\d+)/.exec(out);
    if (m) dockerd = Number(m[1]);
  });
  child.stderr.on('data', (c) => {
    err += c;
    if (!/API listen on \/run\/docker\.sock/.test(err) || dockerd === undefined) return;
    clearTimeout(timer);
    const mnt = readlinkSync(`/proc/${dockerd}/ns/mnt`);
    writeFileSync(pidfile, `${JSON.stringify({ pid: dockerd, mnt, root: merged, cgroup })}\n`);
    console.log(`listening pid ${dockerd}`);
    child.removeAllListeners('exit');
    child.stdout.destroy();
    child.stderr.destroy();
    child.unref();
    process.exit(0);
  });
}

/** Processes in a mount namespace (dockerd, containerd, the shims) and in a cgroup subtree (the containers). */
function members(mnt, cgroup) {
  const pids = new Set();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (mnt && readlinkSync(`/proc/${entry}/ns/mnt`) === mnt) pids.add(Number(entry));
      else if (cgroup && readFileSync(`/proc/${entry}/cgroup`, 'utf8').split('\n').some((l) => l.split(':')[2]?.startsWith(`${cgroup}/`) || l.split(':')[2] === cgroup)) pids.add(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  pids.delete(process.pid);
  return [...pids];
}

function stopTree(pid, cgroup, mnt = undefined) {
  for (const p of members(mnt, cgroup)) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}

/**
 * Removes the cgroup subtree dockerd made under every controller. A killed process leaves its
 * cgroup a moment after the signal, so each removal is tried again for up to 10 s.
 */
async function removeCgroups(cgroup) {
  const deadline = Date.now() + 10_000;
  while (!removeCgroupsOnce(cgroup) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/** One pass, deepest first; true when none of the subtree is left. */
function removeCgroupsOnce(cgroup) {
  const base = '/sys/fs/cgroup';
  const v2 = existsSync(join(base, 'cgroup.controllers'));
  const roots = v2 ? [base] : readdirSync(base).map((c) => join(base, c));
  const walk = (d) => {
    let subs = [];
    try {
      subs = readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory());
    } catch {
      return;
    }
    for (const e of subs) walk(join(d, e.name));
    try {
      rmdirSync(d);
    } catch {
      // still in use, or not there
    }
  };
  for (const root of roots) walk(join(root, cgroup));
  return roots.every((root) => !existsSync(join(root, cgroup)));
}

/**
 * `real-dockerd stop PIDFILE [CGROUP [NSPREFIX OWN...]]`: dockerd asked to stop (it stops its
 * containers), given 15 s, then everything in its mount namespace and its containers' cgroup
 * is killed, the cgroups are removed, and the names given to its containers' namespaces
 * (NSPREFIX*, but the engine's OWN) are deleted. A missing pidfile (it never started, or stopped already) still clears
 * whatever is left in the cgroup.
 */
export async function realDockerdStop(pidfile, cgroupArg, nsPrefix, ...ownNamespaces) {
  let state;
  try {
    state = JSON.parse(readFileSync(pidfile, 'utf8'));
  } catch {
    state = undefined;
  }
  const cgroup = state?.cgroup ?? cgroupArg;
  if (state) {
    try {
      process.kill(state.pid, 'SIGTERM');
    } catch {
      // gone already
    }
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      try {
        process.kill(state.pid, 0);
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    stopTree(state.pid, cgroup, state.mnt);
  } else if (cgroup) {
    for (const p of members(undefined, cgroup)) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  // A dockerd whose start was cut short has no pidfile: it is found in its network namespace
  // (the engine's host, OWN's first), with containerd and the shims.
  const host = ownNamespaces[0];
  if (host) {
    const pids = spawnSync('ip', ['netns', 'pids', host], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
    for (const p of pids) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  if (cgroup) await removeCgroups(cgroup);
  // The names nslab gave its containers' namespaces (nslab-<engine>-<container>).
  if (nsPrefix) {
    let names = [];
    try {
      names = readdirSync('/run/netns');
    } catch {
      // none
    }
    for (const n of names) if (n.startsWith(nsPrefix) && !ownNamespaces.includes(n)) spawnSync('ip', ['netns', 'del', n]);
  }
  rmSync(pidfile, { force: true });
}
