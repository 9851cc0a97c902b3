import { say } from '../text/say.js';
import type { Interface } from '../kernel/ip-json.js';
import type { Ruleset } from '../kernel/iptables-save.js';
import { matchLowerLinks, matchVethPairs, type NamespaceState, type VethEnd } from '../kernel/snapshot.js';
import type { Route } from '../kernel/ip-json.js';
import { evaluate } from '../kernel/packet-filter.js';
import { EMBEDDED_DNS } from '../model/defaults.js';
import { inferRoles, type Role } from './roles.js';

// What a lab picture says, read from live state and nothing else: the boxes (namespaces),
// the bridges inside them, the interfaces on them, and the edges the kernel has between
// them (veth pairs, macvlan parents, VXLAN tunnels), plus what the host's netfilter does
// (MASQUERADE to the uplink, DNAT of published ports, isolation between bridges). The SVG
// and the terminal renderers both draw this, so the two cannot disagree.

/** A namespace as the picture needs it; rules, routes and forwarding are optional (older snapshots). */
export interface PictureInput extends NamespaceState {
  readonly routes?: readonly Route[];
  readonly forwarding?: boolean;
  readonly rules?: Ruleset;
}

export interface Port {
  readonly id: string;
  readonly iface: Interface;
  /** Name, then addresses; published ports at an uplink follow. */
  readonly label: readonly string[];
}

export interface Bridge {
  readonly id: string;
  readonly iface: Interface;
  readonly ports: readonly Port[];
}

export interface Box {
  readonly id: string;
  /** The node it is drawn as: the first of `nodes`. */
  readonly node: string;
  /** Every node in this namespace (--network host and container: share one). */
  readonly nodes: readonly string[];
  readonly ns: string | undefined;
  readonly role: Role;
  readonly ports: readonly Port[];
  readonly bridges: readonly Bridge[];
  /** Lines inside the box below its title (the embedded DNS). */
  readonly notes: readonly string[];
  /** The box this one is drawn inside: for a container, the host its first link leads to. */
  readonly parent: string | undefined;
  /** Its loopback: what a namespace with nothing else is drawn with. */
  readonly loopback: Interface | undefined;
}

export type EdgeKind = 'veth' | 'underlay' | 'macvlan' | 'tunnel' | 'masquerade' | 'blocked';

export interface Edge {
  readonly id: string;
  readonly kind: EdgeKind;
  /** Port or bridge ids. */
  readonly from: string;
  readonly to: string;
  /** The boxes the edge joins (equal for an edge inside one host). */
  readonly boxes: readonly [string, string];
  readonly label: string;
}

export interface Picture {
  readonly boxes: readonly Box[];
  readonly edges: readonly Edge[];
  /** Published ports, "8080 -> 172.17.0.2:80", by the uplink port id they arrive at. */
  readonly published: ReadonlyMap<string, readonly string[]>;
}

const boxId = (ns: string | undefined) => `ns:${ns ?? 'root'}`;
const portId = (ns: string | undefined, ifname: string) => `${boxId(ns)}/${ifname}`;
const bridgeId = (ns: string | undefined, name: string) => `${boxId(ns)}/bridge:${name}`;

const visibleAddresses = (i: Interface) => i.addresses.filter((a) => !a.startsWith('127.'));
/** What a box shows of an interface: its IPv4 addresses but loopback's, then its global IPv6 ones (never link-local). */
export const shownAddresses = (i: Pick<Interface, 'addresses' | 'ipv6'>): string[] => [
  ...i.addresses.filter((a) => !a.startsWith('127.')),
  ...(i.ipv6 ?? []).filter((a) => !/^(fe80:|::1\/)/i.test(a)),
];
const hostPart = (cidr: string) => cidr.split('/')[0]!;

/** The interface the default route leaves by: where MASQUERADE and published ports live. */
export function uplinkOf(s: PictureInput): Interface | undefined {
  const dev = s.routes?.find((r) => r.dst === 'default')?.dev;
  // A host with no default route (an overlay's underlay) leaves by its one addressed link.
  return s.interfaces.find((i) => i.name === dev) ?? s.interfaces.find((i) => i.kind !== 'bridge' && i.kind !== 'loopback' && !i.master && visibleAddresses(i).length > 0);
}

// A documentation address beyond the uplink: the question "would this be masqueraded" is
// asked of the rule set, never of the network.
const SOMEWHERE = '203.0.113.250';

function masquerades(s: PictureInput, br: Interface, uplink: Interface): boolean {
  const src = br.addresses[0];
  if (!s.forwarding || !s.rules || !src) return false;
  const p = { src: hostPart(src), dst: SOMEWHERE, inIface: br.name, outIface: uplink.name, protocol: 'icmp' as const };
  return evaluate(s.rules, 'nat', 'POSTROUTING', p).target === 'MASQUERADE';
}

/** Why a packet from bridge a to bridge b is dropped by the host's FORWARD chain, if it is. */
function blockedBy(rules: Ruleset, a: Interface, b: Interface): string | undefined {
  const [src, dst] = [a.addresses[0], b.addresses[0]];
  if (!src || !dst) return undefined;
  const v = evaluate(rules, 'filter', 'FORWARD', { src: hostPart(src), dst: hostPart(dst), inIface: a.name, outIface: b.name, protocol: 'icmp' });
  if (v.target !== 'DROP' && v.target !== 'REJECT') return undefined;
  return v.rule ? `${v.rule.chain} ${v.target}` : `FORWARD policy ${v.target}`;
}

/** "8080 -> 172.17.0.2:80" for each DNAT rule of the host's nat table. */
function publishedPorts(rules: Ruleset | undefined): string[] {
  const out = (rules?.rules ?? [])
    .filter((r) => r.table === 'nat' && r.target === 'DNAT' && r.toDestination && r.destination?.value !== `${EMBEDDED_DNS}/32`)
    .map((r) => `${r.dport ?? '*'}${r.protocol?.value === 'udp' ? '/udp' : ''} -> ${r.toDestination}`);
  return [...new Set(out)];
}

const hasEmbeddedDns = (rules: Ruleset | undefined) =>
  (rules?.rules ?? []).some((r) => r.table === 'nat' && r.target === 'DNAT' && r.destination?.value === `${EMBEDDED_DNS}/32`);

const ifaceLabel = (i: Interface) => [
  `${i.name}${i.kind === 'device' || i.kind === 'veth' ? '' : ` (${i.kind})`}${i.up ? '' : ' DOWN'}`,
  ...shownAddresses(i),
];

/** The picture of a set of namespaces, from their live state. */
export function buildPicture(all: readonly PictureInput[], given?: Readonly<Record<string, Role>>): Picture {
  // The lab's own roles where it has them (it knows which namespace plays what).
  const known = { ...inferRoles(all), ...given };
  // One box per namespace: nodes that share one (--network host, container:) are drawn as
  // one, playing the first role of host, wan, container any of them plays.
  const RANKED: Role[] = ['host', 'wan', 'container'];
  const sharing = new Map<string | undefined, PictureInput[]>();
  for (const s of all) sharing.set(s.ns, [...(sharing.get(s.ns) ?? []), s]);
  const states = [...sharing.values()].map((group) => group[0]!);
  const nodesOf = (s: PictureInput) => sharing.get(s.ns)!.map((t) => t.node);
  const roles: Record<string, Role> = Object.fromEntries(states.map((s) => [s.node, RANKED.find((r) => nodesOf(s).some((n) => known[n] === r)) ?? 'wan']));
  const pairs = matchVethPairs(states);
  const lowers = matchLowerLinks(states);
  const byNode = new Map(states.map((s) => [s.node, s]));
  const published = new Map<string, string[]>();
  // An interface is drawn on the bridge it is enslaved to, else on its namespace's box.
  const endOf = (e: VethEnd) => {
    const ns = byNode.get(e.node)!.ns;
    return e.iface.master ? `${bridgeId(ns, e.iface.master)}/${e.iface.name}` : portId(ns, e.iface.name);
  };
  // By interface order, so a container's eth0 decides where it is drawn.
  const hostOf = (s: PictureInput) => {
    for (const i of s.interfaces) {
      const link = [...pairs, ...lowers].find(([a, b]) => (a.node === s.node && a.iface === i) || (b.node === s.node && b.iface === i));
      const other = link && (link[0].node === s.node && link[0].iface === i ? link[1] : link[0]);
      if (other && roles[other.node] === 'host') return boxId(byNode.get(other.node)!.ns);
    }
    return undefined;
  };
  // An overlay's namespace holds a vxlan device whose UDP socket lives in another namespace
  // (link_netnsid): the docker host it belongs to, so it is drawn inside that host.
  const underlayOf = (s: PictureInput) => {
    const id = s.interfaces.find((i) => i.kind === 'vxlan' && i.peerNetnsId !== undefined)?.peerNetnsId;
    const ns = id === undefined ? undefined : s.nsids?.get(id);
    return ns === undefined || ns === s.ns || !states.some((t) => t.ns === ns) ? undefined : boxId(ns);
  };
  const boxes: Box[] = states.map((s) => {
    const bridges = s.interfaces.filter((i) => i.kind === 'bridge');
    const uplink = roles[s.node] === 'host' ? uplinkOf(s) : undefined;
    const ports = s.interfaces
      .filter((i) => i.kind !== 'bridge' && !i.master && (i.name !== 'lo' || visibleAddresses(i).length > 0))
      .map((i): Port => {
        const id = portId(s.ns, i.name);
        const pub = i === uplink ? publishedPorts(s.rules) : [];
        if (pub.length) published.set(id, pub);
        return { id, iface: i, label: [...ifaceLabel(i), ...pub] };
      });
    return {
      id: boxId(s.ns),
      node: s.node,
      nodes: nodesOf(s),
      ns: s.ns,
      role: roles[s.node] ?? 'wan',
      ports,
      bridges: bridges.map((br) => ({
        id: bridgeId(s.ns, br.name),
        iface: br,
        ports: s.interfaces.filter((p) => p.master === br.name).map((p) => ({ id: `${bridgeId(s.ns, br.name)}/${p.name}`, iface: p, label: ifaceLabel(p).slice(0, 1) })),
      })),
      notes: hasEmbeddedDns(s.rules) ? [`DNS ${EMBEDDED_DNS} (embedded)`] : [],
      parent: roles[s.node] === 'container' ? hostOf(s) : underlayOf(s),
      loopback: s.interfaces.find((i) => i.kind === 'loopback'),
    };
  });
  const edges: Edge[] = [];
  const box = (node: string) => boxId(byNode.get(node)!.ns);
  // Each edge runs from the end nearer the containers, so the layout reads top-down: container,
  // host, the internet, what lies beyond it; between two of a kind, from the one with more links.
  const RANK: Record<Role, number> = { container: 0, host: 1, wan: 2 };
  const links = (node: string) => pairs.filter(([a, b]) => a.node === node || b.node === node).length;
  const first = (a: VethEnd, b: VethEnd) => RANK[roles[a.node] ?? 'wan'] - RANK[roles[b.node] ?? 'wan'] || links(b.node) - links(a.node);
  for (const [a, b] of pairs) {
    const kind = roles[a.node] === 'host' && roles[b.node] === 'host' ? 'underlay' : 'veth';
    const [x, y] = first(b, a) < 0 ? [b, a] : [a, b];
    edges.push({ id: `veth:${endOf(x)}`, kind, from: endOf(x), to: endOf(y), boxes: [box(x.node), box(y.node)], label: `${x.iface.name} - ${y.iface.name}` });
  }
  for (const [child, parent] of lowers) {
    edges.push({ id: `lower:${endOf(child)}`, kind: 'macvlan', from: endOf(child), to: endOf(parent), boxes: [box(child.node), box(parent.node)], label: say`${child.iface.kind} on ${parent.iface.name}` });
  }
  const vxlans = states.flatMap((s) => s.interfaces.filter((i) => i.vxlan).map((iface) => ({ node: s.node, iface })));
  vxlans.forEach((a, k) => {
    for (const b of vxlans.slice(k + 1)) {
      if (a.iface.vxlan!.vni !== b.iface.vxlan!.vni || a.node === b.node) continue;
      edges.push({ id: `tunnel:${endOf(a)}`, kind: 'tunnel', from: endOf(a), to: endOf(b), boxes: [box(a.node), box(b.node)], label: `VXLAN VNI ${a.iface.vxlan!.vni}, UDP ${a.iface.vxlan!.port}` });
    }
  });
  for (const s of states.filter((t) => roles[t.node] === 'host')) {
    const uplink = uplinkOf(s);
    const bridges = s.interfaces.filter((i) => i.kind === 'bridge');
    for (const br of bridges) {
      if (uplink && masquerades(s, br, uplink)) {
        edges.push({ id: `nat:${bridgeId(s.ns, br.name)}`, kind: 'masquerade', from: bridgeId(s.ns, br.name), to: portId(s.ns, uplink.name), boxes: [boxId(s.ns), boxId(s.ns)], label: 'ip_forward + MASQUERADE' });
      }
    }
    bridges.forEach((a, k) => {
      for (const b of bridges.slice(k + 1)) {
        const why = s.rules && (blockedBy(s.rules, a, b) ?? blockedBy(s.rules, b, a));
        if (why) edges.push({ id: `blocked:${bridgeId(s.ns, a.name)}:${b.name}`, kind: 'blocked', from: bridgeId(s.ns, a.name), to: bridgeId(s.ns, b.name), boxes: [boxId(s.ns), boxId(s.ns)], label: say`blocked (${why})` });
      }
    });
  }
  return { boxes, edges, published };
}
