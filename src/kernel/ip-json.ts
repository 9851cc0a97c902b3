// Every `ip -j` answer nslab reads is parsed here, once, into the types below: live state
// has one reader (snapshot.ts and inspect/world.ts gather it, and everything else asks them).

/** The parts of `ip -j -d addr show` nslab reads. */
export interface IpLink {
  readonly ifindex: number;
  readonly ifname: string;
  readonly flags: readonly string[];
  readonly operstate: string;
  readonly mtu?: number;
  readonly address?: string;
  readonly master?: string;
  readonly ifalias?: string;
  /** The peer's ifindex for veth/macvlan/vxlan (iflink). */
  readonly link_index?: number;
  /** Set when the peer lives in another namespace. */
  readonly link_netnsid?: number;
  readonly linkinfo?: {
    readonly info_kind?: string;
    readonly info_slave_kind?: string;
    /** For a bridge port: its STP state (forwarding, disabled, ...). */
    readonly info_slave_data?: { readonly state?: string };
    /** For a vxlan device: its VNI and UDP port. */
    readonly info_data?: { readonly id?: number; readonly port?: number };
  };
  readonly addr_info?: readonly { readonly family: string; readonly local: string; readonly prefixlen: number; readonly broadcast?: string }[];
  readonly txqlen?: number;
}

export interface Interface {
  readonly index: number;
  readonly name: string;
  readonly kind: string;
  readonly up: boolean;
  readonly mac: string | undefined;
  readonly master: string | undefined;
  readonly peerIndex: number | undefined;
  readonly peerInOtherNs: boolean;
  /** link_netnsid: the peer's namespace, as an id local to this interface's namespace. */
  readonly peerNetnsId: number | undefined;
  readonly mtu?: number | undefined;
  /** Bridge port state (forwarding, disabled, ...) when enslaved to a bridge. */
  readonly portState?: string | undefined;
  /** A vxlan device's VNI and destination UDP port. */
  readonly vxlan?: { readonly vni: number; readonly port: number } | undefined;
  /** IPv4 addresses with prefix, e.g. 172.17.0.1/16. */
  readonly addresses: readonly string[];
  /** The broadcast address of each IPv4 address that has one (Docker's netlink sets it). */
  readonly broadcasts?: Readonly<Record<string, string>> | undefined;
  /** IPv6 addresses with prefix (a link-local fe80:: where IPv6 is on). */
  readonly ipv6?: readonly string[] | undefined;
  /** The transmit queue length (Docker makes the host end of a veth with 0). */
  readonly txqlen?: number | undefined;
  /** `ip link set ... alias`: how a root-namespace lab tags what it made (nslab:<lab>). */
  readonly alias?: string | undefined;
  /**
   * Carrier on (LOWER_UP) but operstate still DOWN: the kernel's linkwatch has not got to
   * it, and until it does its qdisc drops every packet (see settle.ts).
   */
  readonly linkwatchPending?: boolean | undefined;
}

/** Parses `ip -j -d addr show` (or `link show`) output into interfaces. */
export function parseIpAddr(json: string): Interface[] {
  const links = JSON.parse(json || '[]') as IpLink[];
  return links.map((l) => ({
    index: l.ifindex,
    name: l.ifname,
    kind: l.linkinfo?.info_kind ?? (l.ifname === 'lo' ? 'loopback' : 'device'),
    // Administrative state: operstate lags behind (the kernel's linkwatch updates veth
    // carrier asynchronously) and reads DOWN on a veth that is already passing traffic.
    up: l.flags.includes('UP'),
    mac: l.address,
    master: l.master,
    peerIndex: l.link_index,
    peerInOtherNs: l.link_netnsid !== undefined,
    peerNetnsId: l.link_netnsid,
    mtu: l.mtu,
    portState: l.linkinfo?.info_slave_data?.state,
    vxlan: l.linkinfo?.info_kind === 'vxlan' && l.linkinfo.info_data?.id !== undefined ? { vni: l.linkinfo.info_data.id, port: l.linkinfo.info_data.port ?? 4789 } : undefined,
    addresses: (l.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
    broadcasts: Object.fromEntries((l.addr_info ?? []).filter((a) => a.family === 'inet' && a.broadcast).map((a) => [`${a.local}/${a.prefixlen}`, a.broadcast!])),
    ipv6: (l.addr_info ?? []).filter((a) => a.family === 'inet6').map((a) => `${a.local}/${a.prefixlen}`),
    txqlen: l.txqlen,
    alias: l.ifalias,
    linkwatchPending: l.flags.includes('LOWER_UP') && l.operstate === 'DOWN',
  }));
}

export interface Route {
  readonly dst: string;
  readonly gateway?: string;
  readonly dev?: string;
  readonly prefsrc?: string;
}

/** Parses `ip -j route show`. */
export function parseIpRoute(json: string): Route[] {
  return JSON.parse(json || '[]') as Route[];
}

/**
 * Parses `ip -j netns list-id` run inside a namespace: the ids that namespace gives its
 * peers (what link_netnsid refers to). A peer with no `ip netns` name (the root namespace,
 * a container runtime's) maps to undefined.
 */
export function parseNsIds(json: string): Map<number, string | undefined> {
  const rows = JSON.parse(json || '[]') as { nsid: number; name?: string }[];
  return new Map(rows.map((r) => [r.nsid, r.name]));
}

export interface NetnsEntry {
  readonly name: string;
  /** The id the reading namespace gives it (absent until something links the two). */
  readonly id: number | undefined;
}

/** Parses `ip -j netns list`: the named namespaces. */
export function parseNetnsList(json: string): NetnsEntry[] {
  return (JSON.parse(json || '[]') as { name: string; id?: number }[]).map((n) => ({ name: n.name, id: n.id }));
}

/** One entry of the neighbour (ARP) table. */
export interface Neighbour {
  readonly dst: string;
  readonly dev: string;
  readonly mac: string | undefined;
  /** REACHABLE, STALE, FAILED, INCOMPLETE, PERMANENT, ... */
  readonly state: readonly string[];
}

/** Parses `ip -j neigh show`. */
export function parseIpNeigh(json: string): Neighbour[] {
  const rows = JSON.parse(json || '[]') as { dst: string; dev: string; lladdr?: string; state?: string[] }[];
  return rows.map((r) => ({ dst: r.dst, dev: r.dev, mac: r.lladdr, state: r.state ?? [] }));
}
