import { cmd, type Cmd } from '../exec/command.js';
import { validateIfName } from '../model/names.js';
import { linkKey, netnsKey, type ObjectKey, type Op } from './op.js';

// Builders for the iproute2 and bridge-utils operations a lab is made of. `ns` is the
// network namespace the object lives in (undefined: the namespace nslab runs in).

const ip = (ns: string | undefined, ...args: string[]): Cmd => cmd('ip', args, ns);
const inNs = (ns: string | undefined): ObjectKey[] => (ns === undefined ? [] : [netnsKey(ns)]);
const where = (ns: string | undefined): string => ns ?? 'the root namespace';

export function netnsAdd(ns: string): Op {
  return {
    summary: `create network namespace ${ns}`,
    cmd: ip(undefined, 'netns', 'add', ns),
    undo: ip(undefined, 'netns', 'del', ns),
    undoGone: 'netns',
    creates: netnsKey(ns),
    within: [],
  };
}

export function linkUp(ns: string | undefined, dev: string): Op {
  return {
    summary: `bring ${dev} up in ${where(ns)}`,
    cmd: ip(ns, 'link', 'set', 'dev', dev, 'up'),
    undo: ip(ns, 'link', 'set', 'dev', dev, 'down'),
    undoGone: 'link-setting',
    within: [linkKey(ns, dev), ...inNs(ns)],
  };
}

/**
 * Unsolicited ARPs for an address just configured, sent from inside the namespace, as
 * Docker 28 and later do for every endpoint (osl advertiseAddrs: 3 messages, 1 s apart).
 * Addresses are reused at once after a container goes, and since 28 each endpoint has a
 * new random MAC: without them the host keeps sending to the old MAC until its ARP entry
 * expires. Docker's sends outlive the command that configured the interface; `setsid -f`
 * does the same, so the op returns at once and arping finishes on its own.
 */
export function advertiseAddress(ns: string, dev: string, address: string): Op {
  return {
    summary: `announce ${address} on ${dev} in ${ns} (unsolicited ARP)`,
    cmd: { ...cmd('setsid', ['-f', 'arping', '-q', '-U', '-c', '3', '-I', dev, address], ns), leavesRunning: true },
    within: [linkKey(ns, dev), netnsKey(ns)],
  };
}

/** A fixed hardware address (the address a deletion of the link takes with it). */
export function linkSetAddress(ns: string | undefined, dev: string, mac: string, txqlen?: number): Op {
  return {
    summary: `set ${dev}'s MAC to ${mac}${txqlen === undefined ? '' : ` and its queue length to ${txqlen}`} in ${where(ns)}`,
    cmd: ip(ns, 'link', 'set', 'dev', dev, 'address', mac, ...(txqlen === undefined ? [] : ['txqueuelen', String(txqlen)])),
    within: [linkKey(ns, dev), ...inNs(ns)],
  };
}

/**
 * No IPv6 on a link: no link-local address is made when it comes up. Docker writes
 * disable_ipv6=1 for a container's interface on a network without IPv6; `ip addr` shows the
 * same, and this is one more line of the namespace's `ip -batch` where a sysctl is a process
 * per container.
 */
/** A link's MTU; the inverse restores the one it had. */
export function linkSetMtu(ns: string | undefined, dev: string, mtu: number): Op {
  return {
    summary: `set ${dev}'s MTU to ${mtu} in ${where(ns)}`,
    cmd: ip(ns, 'link', 'set', 'dev', dev, 'mtu', String(mtu)),
    capture: {
      read: ip(ns, '-o', 'link', 'show', 'dev', dev),
      undo: (previous) => ip(ns, 'link', 'set', 'dev', dev, 'mtu', /\bmtu (\d+)/.exec(previous)?.[1] ?? '1500'),
    },
    undoGone: 'link-setting',
    within: [linkKey(ns, dev), ...inNs(ns)],
  };
}

export function linkNoIpv6(ns: string | undefined, dev: string): Op {
  return { summary: `no IPv6 on ${dev} in ${where(ns)} (Docker: net.ipv6.conf.${dev}.disable_ipv6=1)`, cmd: ip(ns, 'link', 'set', 'dev', dev, 'addrgenmode', 'none'), within: [linkKey(ns, dev), ...inNs(ns)] };
}

export function bridgeAdd(ns: string | undefined, name: string, options: { brctl: boolean }): Op {
  validateIfName(name);
  return {
    summary: `create bridge ${name} in ${where(ns)}`,
    cmd: options.brctl ? cmd('brctl', ['addbr', name], ns) : ip(ns, 'link', 'add', 'name', name, 'type', 'bridge'),
    undo: ip(ns, 'link', 'del', 'dev', name),
    undoGone: 'link',
    creates: linkKey(ns, name),
    within: inNs(ns),
  };
}

export interface VethSpec {
  readonly ns: string | undefined;
  readonly name: string;
  readonly peerNs: string | undefined;
  readonly peerName: string;
  readonly peerMac?: string | undefined;
  /** Both ends' MTU (an overlay's: the underlay's less VXLAN's 50 bytes). */
  readonly mtu?: number | undefined;
  /** Both ends' transmit queue length (Docker's netlink makes them with 0). */
  readonly txqlen?: number | undefined;
}

/** A veth pair, the peer created directly in its namespace (as Docker does). */
export function vethAdd(v: VethSpec): Op {
  validateIfName(v.name);
  validateIfName(v.peerName);
  const mtu = [...(v.mtu === undefined ? [] : ['mtu', String(v.mtu)]), ...(v.txqlen === undefined ? [] : ['txqueuelen', String(v.txqlen)])];
  const peer = ['peer', 'name', v.peerName, ...(v.peerMac ? ['address', v.peerMac] : []), ...mtu, ...(v.peerNs !== v.ns && v.peerNs !== undefined ? ['netns', v.peerNs] : [])];
  return {
    summary: `create veth pair ${v.name} (${where(v.ns)}) <-> ${v.peerName} (${where(v.peerNs)})`,
    cmd: ip(v.ns, 'link', 'add', v.name, ...mtu, 'type', 'veth', ...peer),
    undo: ip(v.ns, 'link', 'del', 'dev', v.name),
    undoGone: 'link',
    creates: linkKey(v.ns, v.name),
    alsoCreates: [linkKey(v.peerNs, v.peerName)],
    // A veth pair dies with either end's namespace, but in its own time: the kernel removes
    // a deleted namespace's links asynchronously. An end in the root namespace is therefore
    // deleted explicitly, so teardown leaves nothing there even for a moment.
    within: v.ns === undefined ? [] : [...inNs(v.ns), ...(v.peerNs !== v.ns ? inNs(v.peerNs) : [])],
  };
}

export function linkSetMaster(ns: string | undefined, dev: string, bridge: string, options: { brctl: boolean }): Op {
  return {
    summary: `attach ${dev} to bridge ${bridge}`,
    cmd: options.brctl ? cmd('brctl', ['addif', bridge, dev], ns) : ip(ns, 'link', 'set', 'dev', dev, 'master', bridge),
    undo: options.brctl ? cmd('brctl', ['delif', bridge, dev], ns) : ip(ns, 'link', 'set', 'dev', dev, 'nomaster'),
    undoGone: 'bridge-port',
    within: [linkKey(ns, dev), linkKey(ns, bridge), ...inNs(ns)],
  };
}

/**
 * `address` carries its prefix: 172.17.0.1/16. `broadcast`: with the subnet's broadcast
 * address (`brd +`), as Docker's netlink calls set it on every address they add.
 */
export function addrAdd(ns: string | undefined, dev: string, address: string, options: { broadcast?: boolean; nodad?: boolean } = {}): Op {
  return {
    summary: `assign ${address} to ${dev} in ${where(ns)}`,
    cmd: ip(ns, 'addr', 'add', address, ...(options.broadcast ? ['brd', '+'] : []), 'dev', dev, ...(options.nodad ? ['nodad'] : [])),
    undo: ip(ns, 'addr', 'del', address, 'dev', dev),
    undoGone: 'address',
    within: [linkKey(ns, dev), ...inNs(ns)],
  };
}

export interface RouteSpec {
  /** `default` or a CIDR. */
  readonly to: string;
  readonly via?: string | undefined;
  readonly dev?: string | undefined;
}

export function routeAdd(ns: string | undefined, r: RouteSpec): Op {
  const spec = [r.to, ...(r.via ? ['via', r.via] : []), ...(r.dev ? ['dev', r.dev] : [])];
  return {
    summary: `route ${r.to}${r.via ? ` via ${r.via}` : ''}${r.dev ? ` dev ${r.dev}` : ''} in ${where(ns)}`,
    cmd: ip(ns, 'route', 'add', ...spec),
    undo: ip(ns, 'route', 'del', ...spec),
    undoGone: 'route',
    within: [...(r.dev ? [linkKey(ns, r.dev)] : []), ...inNs(ns)],
  };
}

/**
 * Moves the default route to another gateway (Docker re-electing the gateway endpoint when a
 * container joins or leaves a network): `ip route replace`; the undo moves it back, or
 * removes it when there was none.
 */
export function defaultRouteMove(ns: string, to: { readonly via: string; readonly dev: string }, from: { readonly via: string; readonly dev: string } | undefined): Op {
  return {
    summary: `move ${ns}'s default route to ${to.via} dev ${to.dev}${from ? ` (from ${from.via} dev ${from.dev})` : ''}`,
    cmd: ip(ns, 'route', 'replace', 'default', 'via', to.via, 'dev', to.dev),
    undo: from ? ip(ns, 'route', 'replace', 'default', 'via', from.via, 'dev', from.dev) : ip(ns, 'route', 'del', 'default', 'via', to.via, 'dev', to.dev),
    undoGone: 'route',
    within: [linkKey(ns, to.dev), ...(from ? [linkKey(ns, from.dev)] : []), ...inNs(ns)],
  };
}

/**
 * Marks a link as nslab's (`ip link set ... alias nslab:<lab>`), so `nslab clean` finds it
 * in the root namespace even without a journal. The mark goes with the link: no undo.
 */
export function linkTag(ns: string | undefined, dev: string, tag: string): Op {
  return {
    summary: `tag ${dev} in ${where(ns)} as ${tag}`,
    cmd: ip(ns, 'link', 'set', 'dev', dev, 'alias', tag),
    within: [linkKey(ns, dev), ...inNs(ns)],
  };
}

/** Takes a link down (a lab breaking something on purpose); the inverse brings it back up. */
export function linkDown(ns: string | undefined, dev: string): Op {
  return { ...linkUp(ns, dev), summary: `take ${dev} down in ${where(ns)}`, cmd: ip(ns, 'link', 'set', 'dev', dev, 'down'), undo: ip(ns, 'link', 'set', 'dev', dev, 'up'), undoGone: 'link-setting' };
}

/** Deletes a link (`docker network disconnect` removing an endpoint's veth); nothing to undo. */
export function linkDel(ns: string | undefined, dev: string): Op {
  return { summary: `delete ${dev} in ${where(ns)}`, cmd: ip(ns, 'link', 'del', 'dev', dev), within: inNs(ns), removes: true };
}

/**
 * A macvlan child of `parent`, created straight into `childNs` as `name` (Docker's macvlan
 * driver: one sub-interface per container, no bridge, no NAT).
 */
export function macvlanAdd(ns: string | undefined, parent: string, name: string, childNs: string | undefined, mode = 'bridge', mac?: string, txqlen?: number): Op {
  validateIfName(name);
  const into = [...(mac ? ['address', mac] : []), ...(txqlen === undefined ? [] : ['txqueuelen', String(txqlen)]), ...(childNs !== ns && childNs !== undefined ? ['netns', childNs] : [])];
  return {
    summary: `create macvlan ${name} (${where(childNs)}) on ${parent} (${where(ns)})`,
    cmd: ip(ns, 'link', 'add', 'link', parent, 'name', name, ...into, 'type', 'macvlan', 'mode', mode),
    undo: ip(childNs, 'link', 'del', 'dev', name),
    undoGone: 'link',
    creates: linkKey(childNs, name),
    // It dies with its own namespace, and with its parent.
    within: [linkKey(ns, parent), ...inNs(childNs)],
  };
}

export interface VxlanSpec {
  readonly name: string;
  readonly vni: number;
  readonly local: string;
  readonly remote: string;
  readonly dev: string;
  readonly dstport: number;
}

/** A VXLAN tunnel endpoint: L2 frames in, UDP datagrams to `remote` out. */
export function vxlanAdd(ns: string | undefined, v: VxlanSpec): Op {
  validateIfName(v.name);
  return {
    summary: `create vxlan ${v.name} (VNI ${v.vni}, UDP ${v.dstport}) ${v.local} -> ${v.remote} in ${where(ns)}`,
    cmd: ip(ns, 'link', 'add', v.name, 'type', 'vxlan', 'id', String(v.vni), 'local', v.local, 'remote', v.remote, 'dstport', String(v.dstport), 'dev', v.dev),
    undo: ip(ns, 'link', 'del', 'dev', v.name),
    undoGone: 'link',
    creates: linkKey(ns, v.name),
    within: inNs(ns),
  };
}

/** Deletes a namespace as a forward step (`docker rm`, `compose down`); nothing to undo. */
export function netnsDel(ns: string): Op {
  return { summary: `delete network namespace ${ns}`, cmd: ip(undefined, 'netns', 'del', ns), within: [], deletes: netnsKey(ns), removes: true };
}

/** `bridge link set dev DEV hairpin on`: the bridge may send a frame back out of the port it came in by. */
export function bridgePortHairpin(ns: string | undefined, dev: string): Op {
  return {
    summary: `let ${dev} hairpin (a container reaching itself through a published port)`,
    cmd: cmd('bridge', ['link', 'set', 'dev', dev, 'hairpin', 'on'], ns),
    undo: cmd('bridge', ['link', 'set', 'dev', dev, 'hairpin', 'off'], ns),
    undoGone: 'link-setting',
    within: [linkKey(ns, dev), ...inNs(ns)],
  };
}
