import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { parseIpAddr, type Interface } from './ip-json.js';

export interface NamespaceState {
  /** Node name in the lab (c1, host, ...). */
  readonly node: string;
  readonly ns: string | undefined;
  readonly interfaces: readonly Interface[];
}

/** Reads the live interfaces of each namespace from the kernel. */
export async function readNamespaces(runner: Runner, nodes: Readonly<Record<string, { ns: string | undefined }>>): Promise<NamespaceState[]> {
  return Promise.all(
    Object.entries(nodes).map(async ([node, { ns }]) => {
      const r = await runner.run(cmd('ip', ['-j', '-d', 'addr', 'show'], ns));
      return { node, ns, interfaces: parseIpAddr(r.stdout) };
    }),
  );
}

export interface VethEnd {
  readonly node: string;
  readonly iface: Interface;
}

/** veth pairs across namespaces, matched by each end's ifindex being the other's iflink. */
export function matchVethPairs(states: readonly NamespaceState[]): [VethEnd, VethEnd][] {
  const ends = states.flatMap((s) => s.interfaces.filter((i) => i.kind === 'veth').map((iface) => ({ node: s.node, iface })));
  const pairs: [VethEnd, VethEnd][] = [];
  for (const [i, a] of ends.entries()) {
    for (const b of ends.slice(i + 1)) {
      if (a.node !== b.node && a.iface.peerIndex === b.iface.index && b.iface.peerIndex === a.iface.index) pairs.push([a, b]);
    }
  }
  return pairs;
}
