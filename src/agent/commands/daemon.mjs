// @ts-check
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const AGENT = fileURLToPath(new URL('../agent.mjs', import.meta.url));

/** Is this process still in the namespace named `netns`? (It may have been deleted meanwhile.) */
function stillIn(netns) {
  try {
    const named = statSync(`/run/netns/${netns}`);
    const mine = statSync('/proc/self/ns/net');
    return named.ino === mine.ino && named.dev === mine.dev;
  } catch {
    return false;
  }
}

/**
 * Starts another agent command detached (it outlives nslab, for `nslab up`), waits until
 * it prints its ready line, writes its pid to `pidfile`, and exits 0. Exits 1 if the
 * child dies or stays silent first. With `--netns NAME` first, it also checks, once the
 * child is ready, that the namespace still has that name: if nslab was killed and its lab
 * torn down while this was starting, the namespace is gone and the child would live on in
 * it unseen, so it is killed instead.
 */
export function daemon(...args) {
  const netns = args[0] === '--netns' ? args[1] : undefined;
  const [pidfile, ...command] = netns === undefined ? args : args.slice(2);
  mkdirSync(dirname(pidfile), { recursive: true });
  const child = spawn(process.execPath, [AGENT, ...command], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const timer = setTimeout(() => fail(`not ready after 5 s: ${err.trim()}`), 5000);
  const fail = (why) => {
    child.kill('SIGKILL');
    console.error(`agent daemon ${command.join(' ')}: ${why}`);
    process.exit(1);
  };
  child.stderr.on('data', (c) => (err += c));
  child.on('exit', (code) => fail(`exited (${code}) before it was ready: ${err.trim()}`));
  child.stdout.on('data', (c) => {
    out += c;
    if (!out.includes('\n')) return;
    clearTimeout(timer);
    if (netns !== undefined && !stillIn(netns)) fail(`namespace ${netns} was deleted while it started`);
    writeFileSync(pidfile, `${child.pid}\n`);
    console.log(`${out.split('\n')[0]} pid ${child.pid}`);
    child.removeAllListeners('exit');
    child.stdout.destroy();
    child.stderr.destroy();
    child.unref();
    process.exit(0);
  });
}

/** Stops a daemon by pidfile; a missing pidfile or process counts as stopped. */
export function stop(pidfile) {
  let pid;
  try {
    pid = Number(readFileSync(pidfile, 'utf8').trim());
  } catch {
    return;
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
  rmSync(pidfile, { force: true });
  // Gone before this returns: a daemon started next on its port (a service rebound from
  // 127.0.0.1 to 0.0.0.0) must not find the old one still listening. Under load a SIGTERM
  // can take longer than the wait; after SIGKILL it is waited for too, since the socket is
  // only released when the process has really exited.
  waitGone(pid, 2000);
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone at last
    }
    waitGone(pid, 3000);
  }
}

/** Blocks until `pid` has exited or `ms` have passed. */
function waitGone(pid, ms) {
  const until = Date.now() + ms;
  while (alive(pid) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
}

/**
 * Whether a process still runs. A zombie counts as gone: it has released its sockets, and
 * whoever it was reparented to reaps it in its own time.
 */
function alive(pid) {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
