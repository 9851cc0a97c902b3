import { matchVethPairs, type VethEnd } from '../kernel/snapshot.js';
import type { Interface } from '../kernel/ip-json.js';
import { table } from '../text/table.js';
import type { LiveNamespace } from './world.js';

export interface PeerRow {
  readonly namespace: string;
  readonly interface: string;
  readonly address: string;
  readonly peerNamespace: string;
  readonly peerInterface: string;
  /** The bridge either end is enslaved to ("" if neither is). */
  readonly bridge: string;
}

const nsLabel = (ns: string | undefined) => ns ?? 'root';
const addresses = (i: Interface) => i.addresses.join(' ') || '-';

/**
 * Every veth pair among the namespaces read, one row each, the end without a bridge
 * first (the "container" side, as `docker inspect` users expect). Ends whose peer lives
 * in a namespace that was not read still get a row, naming the peer as far as the kernel
 * tells (its namespace id and ifindex).
 */
export function peerRows(world: readonly LiveNamespace[]): PeerRow[] {
  const byNode = new Map(world.map((w) => [w.node, w]));
  const nsOf = (e: VethEnd) => byNode.get(e.node)?.ns;
  const pairs = matchVethPairs(world);
  const rows: PeerRow[] = pairs.map(([x, y]) => {
    const [a, b] = x.iface.master && !y.iface.master ? [y, x] : [x, y];
    return {
      namespace: nsLabel(nsOf(a)),
      interface: a.iface.name,
      address: addresses(a.iface),
      peerNamespace: nsLabel(nsOf(b)),
      peerInterface: b.iface.name,
      bridge: b.iface.master ?? a.iface.master ?? '',
    };
  });
  const paired = new Set(pairs.flatMap(([x, y]) => [x, y]).map((e) => `${e.node}/${e.iface.index}`));
  for (const w of world) {
    for (const i of w.interfaces.filter((i) => i.kind === 'veth' && !paired.has(`${w.node}/${i.index}`))) {
      const peerNs = i.peerNetnsId === undefined ? nsLabel(w.ns) : (w.nsids.get(i.peerNetnsId) ?? `netnsid ${i.peerNetnsId} (no ip netns name)`);
      rows.push({
        namespace: nsLabel(w.ns),
        interface: i.name,
        address: addresses(i),
        peerNamespace: peerNs,
        peerInterface: `ifindex ${i.peerIndex ?? '?'} (not read)`,
        bridge: i.master ?? '',
      });
    }
  }
  return rows.sort((p, q) => p.namespace.localeCompare(q.namespace) || p.interface.localeCompare(q.interface));
}

export function renderPeers(rows: readonly PeerRow[]): string {
  if (rows.length === 0) return 'no veth pairs\n';
  const cells = rows.map((r) => [r.namespace, r.interface, r.address, r.peerNamespace, r.peerInterface, r.bridge || '-']);
  return `${table(['namespace', 'interface', 'address', 'peer namespace', 'peer interface', 'bridge'], cells)}\n`;
}
