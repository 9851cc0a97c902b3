import { spawnSync } from 'node:child_process';
import { timed } from './measure.js';

// Mininet beside nslab (`npm run bench -- --peers`): the same N hosts on one Linux bridge
// (`--switch lxbr`, no controller), built and torn down, and its pingall; up to 253 hosts.
// Mininet is the user's to install (`apt-get install mininet`); the benchmark never installs it.

export type PeerResult = { readonly containers: number; readonly build: number; readonly pingall: number | undefined; readonly pingallPassed: boolean } | { readonly missing: string };

const mnInstalled = () => spawnSync('mn', ['--version'], { stdio: 'ignore' }).error === undefined;

function mn(n: number, test: 'none' | 'pingall') {
  // Its hosts on a documentation range, as every nslab lab's outside is (a /24 holds 253 hosts).
  const r = timed('mn', ['--topo', `single,${n}`, '--switch', 'lxbr', '--controller', 'none', '--ipbase', '198.51.100.0/24', '--test', test]);
  if (r.code !== 0) {
    // What Mininet leaves after a failure (its bridge, hosts' veths) is for `mn -c` to remove.
    timed('mn', ['-c']);
    throw new Error(`mn --topo single,${n} --test ${test} failed (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  return r;
}

/** Mininet's build+teardown and pingall at `n`, or why it was not measured. */
export function mininet(n: number, pingallUpTo: number): PeerResult {
  if (!mnInstalled()) return { missing: 'Mininet is not installed (apt-get install mininet); the peer column is empty' };
  const build = mn(n, 'none').seconds;
  if (n > pingallUpTo) return { containers: n, build, pingall: undefined, pingallPassed: true };
  const all = mn(n, 'pingall');
  // "*** Results: 0% dropped (9900/9900 received)"
  return { containers: n, build, pingall: all.seconds, pingallPassed: /Results: 0% dropped/.test(all.stdout + all.stderr) };
}
