import type { Interface } from './ip-json.js';

export interface NamespaceState {
  /** Node name in the lab (c1, host, ...). */
  readonly node: string;
  readonly ns: string | undefined;
  readonly interfaces: readonly Interface[];
  /** link_netnsid -> namespace name as this namespace numbers them (`ip netns list-id`). */
  readonly nsids?: ReadonlyMap<number, string | undefined> | undefined;
}

export interface VethEnd {
  readonly node: string;
  readonly iface: Interface;
}

/**
 * Whether b is the namespace a's end points at. link_netnsid is local to a's namespace, so
 * it is resolved with a's own id table; an id with no name is a namespace without an
 * `ip netns` name, which for nslab's purposes is the root one. Without ids (older
 * snapshots) any other namespace may be it.
 */
function peerLivesIn(a: NamespaceState, end: Interface, b: NamespaceState): boolean {
  if (end.peerNetnsId === undefined) return a.ns === b.ns;
  if (!a.nsids?.has(end.peerNetnsId)) return a.ns !== b.ns;
  return a.nsids.get(end.peerNetnsId) === b.ns;
}

/**
 * veth pairs, matched by each end's ifindex being the other's iflink and each end's
 * link_netnsid naming the other's namespace (ifindexes repeat across namespaces).
 */
export function matchVethPairs(states: readonly NamespaceState[]): [VethEnd, VethEnd][] {
  const ends = states.flatMap((s) => s.interfaces.filter((i) => i.kind === 'veth').map((iface) => ({ node: s.node, iface, state: s })));
  const pairs: [VethEnd, VethEnd][] = [];
  for (const [i, a] of ends.entries()) {
    for (const b of ends.slice(i + 1)) {
      if (a.iface.peerIndex !== b.iface.index || b.iface.peerIndex !== a.iface.index) continue;
      if (a.state === b.state && a.iface.index === b.iface.index) continue;
      if (!peerLivesIn(a.state, a.iface, b.state) || !peerLivesIn(b.state, b.iface, a.state)) continue;
      pairs.push([{ node: a.node, iface: a.iface }, { node: b.node, iface: b.iface }]);
    }
  }
  return pairs;
}

/**
 * macvlan (and ipvlan) children with the parent interface they hang off: the child's iflink
 * is the parent's ifindex, in the namespace its link_netnsid names.
 */
export function matchLowerLinks(states: readonly NamespaceState[]): [child: VethEnd, parent: VethEnd][] {
  const out: [VethEnd, VethEnd][] = [];
  for (const s of states) {
    for (const child of s.interfaces.filter((i) => (i.kind === 'macvlan' || i.kind === 'ipvlan') && i.peerIndex !== undefined)) {
      for (const t of states) {
        const parent = t.interfaces.find((i) => i.index === child.peerIndex && i.kind !== 'macvlan');
        if (parent && peerLivesIn(s, child, t)) out.push([{ node: s.node, iface: child }, { node: t.node, iface: parent }]);
      }
    }
  }
  return out;
}
