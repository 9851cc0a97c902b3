import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { parseIpAddr, parseNsIds } from '../kernel/ip-json.js';
import { matchVethPairs, type NamespaceState } from '../kernel/snapshot.js';
import type { ProbeResult } from './probes.js';

/** One link of a namespace read as the snapshot reads a namespace, so one matcher judges both. */
async function readEnd(runner: Runner, ns: string | undefined, dev: string): Promise<NamespaceState | string> {
  const [l, ids] = await Promise.all([
    runner.run(cmd('ip', ['-j', '-d', 'link', 'show', 'dev', dev], ns), { allowFail: true }),
    runner.run(cmd('ip', ['-j', 'netns', 'list-id'], ns), { allowFail: true }),
  ]);
  if (l.exitCode !== 0) return `${dev}: ${l.stderr.trim() || `exit ${l.exitCode}`}`;
  const interfaces = parseIpAddr(l.stdout);
  if (interfaces.length === 0) return `${dev}: not found`;
  return { node: ns ?? 'root', ns, interfaces, nsids: ids.exitCode === 0 ? parseNsIds(ids.stdout) : new Map() };
}

/**
 * Two interfaces are the ends of one veth pair when each one's iflink (the `@ifN` that
 * `ip link` prints) is the other's ifindex, and its link-netns is the other's namespace
 * (matchVethPairs, the rule inspect and the diagrams use too).
 */
export async function vethPeer(runner: Runner, ns: string | undefined, dev: string, peerNs: string | undefined, peerDev: string): Promise<ProbeResult> {
  const [a, b] = await Promise.all([readEnd(runner, ns, dev), readEnd(runner, peerNs, peerDev)]);
  if (typeof a === 'string') return { reached: false, detail: a };
  if (typeof b === 'string') return { reached: false, detail: b };
  const [x, y] = [a.interfaces[0]!, b.interfaces[0]!];
  const seen = x.peerNetnsId === undefined ? ns : a.nsids?.get(x.peerNetnsId);
  const detail = `${x.name} is ${x.index}@if${x.peerIndex ?? '?'} (peer in ${seen ?? '?'}), ${y.name} is ${y.index}@if${y.peerIndex ?? '?'}`;
  return { reached: matchVethPairs([a, b]).length === 1, detail };
}
