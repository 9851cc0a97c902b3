import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import type { ProbeResult } from './probes.js';

interface LinkJson {
  readonly ifindex: number;
  readonly ifname: string;
  /** iflink: the peer's ifindex, in the namespace link_netnsid names. */
  readonly link_index?: number;
  readonly link_netnsid?: number;
}

async function link(runner: Runner, ns: string | undefined, dev: string): Promise<LinkJson | string> {
  const r = await runner.run(cmd('ip', ['-j', 'link', 'show', 'dev', dev], ns), { allowFail: true });
  if (r.exitCode !== 0) return `${dev}: ${r.stderr.trim() || `exit ${r.exitCode}`}`;
  return (JSON.parse(r.stdout || '[]') as LinkJson[])[0] ?? `${dev}: not found`;
}

/** The namespace a link's link_netnsid points at, as `ip netns list-id` names it inside `ns`. */
async function peerNamespace(runner: Runner, ns: string | undefined, nsid: number | undefined): Promise<string | undefined> {
  if (nsid === undefined) return ns;
  const r = await runner.run(cmd('ip', ['-j', 'netns', 'list-id'], ns), { allowFail: true });
  if (r.exitCode !== 0) return undefined;
  return (JSON.parse(r.stdout || '[]') as { nsid: number; name?: string }[]).find((e) => e.nsid === nsid)?.name;
}

/**
 * Two interfaces are the ends of one veth pair when each one's iflink (the `@ifN` that
 * `ip link` prints) is the other's ifindex, and its link-netns is the other's namespace.
 * Every namespace numbers its own interfaces, so the index alone is ambiguous.
 */
export async function vethPeer(runner: Runner, ns: string | undefined, dev: string, peerNs: string | undefined, peerDev: string): Promise<ProbeResult> {
  const [a, b] = await Promise.all([link(runner, ns, dev), link(runner, peerNs, peerDev)]);
  if (typeof a === 'string') return { reached: false, detail: a };
  if (typeof b === 'string') return { reached: false, detail: b };
  const [aPeerNs, bPeerNs] = await Promise.all([peerNamespace(runner, ns, a.link_netnsid), peerNamespace(runner, peerNs, b.link_netnsid)]);
  const detail = `${a.ifname} is ${a.ifindex}@if${a.link_index ?? '?'} (peer in ${aPeerNs ?? '?'}), ${b.ifname} is ${b.ifindex}@if${b.link_index ?? '?'}`;
  const reached = a.link_index === b.ifindex && b.link_index === a.ifindex && aPeerNs === peerNs && bPeerNs === ns;
  return { reached, detail };
}
