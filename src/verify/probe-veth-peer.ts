import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { parseIpAddr, type Interface } from '../kernel/ip-json.js';
import type { ProbeResult } from './probes.js';

async function link(runner: Runner, ns: string | undefined, dev: string): Promise<Interface | string> {
  const r = await runner.run(cmd('ip', ['-j', 'link', 'show', 'dev', dev], ns), { allowFail: true });
  if (r.exitCode !== 0) return `${dev}: ${r.stderr.trim() || `exit ${r.exitCode}`}`;
  return parseIpAddr(r.stdout)[0] ?? `${dev}: not found`;
}

/**
 * Two interfaces are the ends of one veth pair when each one's iflink (the `@ifN` that
 * `ip link` prints) is the other's ifindex. Each namespace numbers its own interfaces, so
 * this is how you find a container's peer on the host.
 */
export async function vethPeer(runner: Runner, ns: string | undefined, dev: string, peerNs: string | undefined, peerDev: string): Promise<ProbeResult> {
  const [a, b] = await Promise.all([link(runner, ns, dev), link(runner, peerNs, peerDev)]);
  if (typeof a === 'string') return { reached: false, detail: a };
  if (typeof b === 'string') return { reached: false, detail: b };
  const detail = `${a.name} is ${a.index}@if${a.peerIndex ?? '?'}, ${b.name} is ${b.index}@if${b.peerIndex ?? '?'}`;
  return { reached: a.peerIndex === b.index && b.peerIndex === a.index, detail };
}
