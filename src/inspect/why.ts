import { say } from '../text/say.js';
import { localize, tr } from '../text/i18n.js';
import { padDisplay } from '../text/width.js';
import { cmd, renderCmd } from '../exec/command.js';
import type { Interface } from '../kernel/ip-json.js';
import { matchVethPairs } from '../kernel/snapshot.js';
import { subnetOf } from '../model/ipam.js';
import { evaluate, type Packet } from '../kernel/packet-filter.js';
import { listensOn } from '../kernel/listening.js';
import { gatewayFor, lookupRoute, ownerOf } from './route-lookup.js';
import { ipv6View, type LiveNamespace } from './world.js';
import { networkOf, splitHostPort } from '../model/cidr.js';
import { isIpv6 } from '../model/ipam6.js';

/** One thing checked on the way; the first with ok=false is where the packet dies. */
export interface Hop {
  readonly at: string;
  readonly ok: boolean;
  readonly what: string;
  readonly fix?: string | undefined;
}

const ip = (ns: LiveNamespace, ...args: string[]) => renderCmd(cmd('ip', args, ns.ns));
const inNs = (ns: LiveNamespace, file: string, ...args: string[]) => renderCmd(cmd(file, args, ns.ns));
const MAX_HOPS = 8;
const STP_WAIT = new Set(['listening', 'learning', 'blocking']);
const linkUpFix = (ns: LiveNamespace, i: Interface) => ip(ns, 'link', 'set', 'dev', i.name, 'up');
/** The rule set a view's packets meet: ip6tables for an IPv6 view. */
const filterOf = (ns: LiveNamespace) => (ns.family === 6 ? 'ip6tables' : 'iptables');

/** The other end of a veth, wherever it lives among the namespaces read (trace asks it too). */
export function peerOf(world: readonly LiveNamespace[], ns: LiveNamespace, i: Interface): { ns: LiveNamespace; iface: Interface } | undefined {
  for (const [a, b] of matchVethPairs(world)) {
    const [near, far] = a.node === ns.node && a.iface.index === i.index ? [a, b] : b.node === ns.node && b.iface.index === i.index ? [b, a] : [];
    if (near && far) return { ns: world.find((w) => w.node === far.node)!, iface: far.iface };
  }
  return undefined;
}

/**
 * A bridge's connected route that takes `dst` although nothing on the bridge has it, while
 * some other namespace does: a network's subnet overlapping one the host reaches another
 * way (the first article's renamed compose project), which no rule will ever fix.
 */
function shadowingBridge(world: readonly LiveNamespace[], ns: LiveNamespace, bridge: Interface, route: string, dst: string): Hop | undefined {
  if (bridge.kind !== 'bridge') return undefined;
  const onBridge = ns.interfaces.filter((i) => i.master === bridge.name).map((port) => peerOf(world, ns, port)?.ns);
  if (onBridge.some((w) => w && ownerOf(w, dst))) return undefined;
  const owner = world.find((w) => w !== ns && ownerOf(w, dst));
  if (!owner) return undefined;
  return {
    at: ns.node,
    ok: false,
    what: say`${bridge.name}'s subnet ${route} takes ${dst}, but nothing on ${bridge.name} has it: ${owner.node} does, elsewhere. The connected route is more specific than the way there, so the network's subnet shadows it`,
    fix: say`give that network a subnet that does not overlap ${dst} (docker network rm, then create it with --subnet)`,
  };
}

/** A DROP or REJECT in `chain`'s walk, as a broken hop: the rule and its counter, or the policy and the accept that is missing. */
function refusedHop(ns: LiveNamespace, chain: 'FORWARD' | 'INPUT', packet: Packet, path: string): Hop | undefined {
  const v = evaluate(ns.rules, 'filter', chain, packet);
  if (v.target !== 'DROP' && v.target !== 'REJECT') return undefined;
  if (v.rule) {
    return { at: ns.node, ok: false, what: say`${filterOf(ns)} ${v.rule.chain} rule \`${v.rule.spec.join(' ')}\` drops ${path} (${v.rule.packets} packets so far)`, fix: inNs(ns, filterOf(ns), '-D', v.rule.chain, ...v.rule.spec) };
  }
  const port = packet.dport ? ['-p', packet.protocol, '--dport', String(packet.dport)] : [];
  // On a docker host the admin's accepts belong in DOCKER-USER, which FORWARD jumps to first
  // and dockerd never rewrites; a rule in FORWARD itself can end up below Docker's jumps.
  const into = chain === 'FORWARD' && ns.rules.chains.some((c) => c.table === 'filter' && c.name === 'DOCKER-USER') ? 'DOCKER-USER' : chain;
  return {
    at: ns.node,
    ok: false,
    what: say`${filterOf(ns)} ${chain} policy is ${v.target} and no rule accepts ${path}`,
    fix: inNs(ns, filterOf(ns), '-I', into, ...(packet.inIface ? ['-i', packet.inIface] : []), ...(packet.outIface ? ['-o', packet.outIface] : []), ...port, '-j', 'ACCEPT'),
  };
}

/** The iptables FORWARD verdict for a packet a namespace forwards (routed, or bridged with br_netfilter). */
function forwardHop(ns: LiveNamespace, packet: Packet): Hop {
  const path = `${packet.inIface ?? '?'} -> ${packet.outIface}`;
  const refused = refusedHop(ns, 'FORWARD', packet, path);
  if (refused) return refused;
  const v = evaluate(ns.rules, 'filter', 'FORWARD', packet);
  return { at: ns.node, ok: true, what: say`${filterOf(ns)} FORWARD lets ${path} through${v.rule ? say` (rule \`${v.rule.spec.join(' ')}\`, ${v.rule.packets} packets)` : ''}` };
}

/** The veth itself: which peer it has, and both ends up. */
function vethHops(cur: LiveNamespace, port: Interface, peer: { ns: LiveNamespace; iface: Interface }): Hop[] {
  const bridge = peer.iface.master ? say` (port of ${peer.iface.master})` : '';
  const hops: Hop[] = [{ at: cur.node, ok: true, what: say`${port.name} is a veth whose peer is ${peer.iface.name} in ${peer.ns.node}${bridge}` }];
  if (!port.up) hops.push({ at: cur.node, ok: false, what: say`veth end ${port.name} is down`, fix: linkUpFix(cur, port) });
  if (!peer.iface.up) hops.push({ at: peer.ns.node, ok: false, what: say`veth end ${peer.iface.name} is down`, fix: linkUpFix(peer.ns, peer.iface) });
  return hops;
}

/** Who answers ARP for `nexthop` behind `out` (a veth or a bridge), checking each link on the way. */
interface Walk {
  readonly world: readonly LiveNamespace[];
  readonly hops: Hop[];
  /** The packet, for iptables verdicts on bridged frames (br_netfilter). */
  readonly packet: Omit<Packet, 'inIface' | 'outIface'> | undefined;
}

function crossLink(
  walk: Walk,
  cur: LiveNamespace,
  out: Interface,
  nexthop: string,
  /** The bridge port the frame came in by: it is not sent back out there. */
  from?: Interface,
): { ns: LiveNamespace; iface: Interface } | undefined {
  const { world, hops } = walk;
  const ports = out.kind === 'bridge' ? cur.interfaces.filter((p) => p.master === out.name && p.index !== from?.index) : [out];
  for (const port of ports) {
    const peer = peerOf(world, cur, port);
    if (!peer) continue;
    let target: { ns: LiveNamespace; iface: Interface } | undefined;
    if (peer.iface.master) {
      const bridge = peer.ns.interfaces.find((b) => b.name === peer.iface.master)!;
      const probe: Hop[] = [];
      // The bridge itself answers (it is the gateway), or a frame crosses it to another port.
      if (ownerOf(peer.ns, nexthop)) target = { ns: peer.ns, iface: bridge };
      else {
        target = crossLink({ ...walk, hops: probe }, peer.ns, bridge, nexthop, port);
        // br_netfilter: a frame bridged between two ports goes through iptables FORWARD too.
        if (target && peer.ns.bridgeNf && walk.packet) probe.unshift(forwardHop(peer.ns, { ...walk.packet, inIface: bridge.name, outIface: bridge.name }));
      }
      if (target) {
        hops.push(...vethHops(cur, port, peer));
        if (!bridge.up) hops.push({ at: peer.ns.node, ok: false, what: say`bridge ${bridge.name} is down`, fix: linkUpFix(peer.ns, bridge) });
        // STP on: a port still listening or learning (forward delay) passes no frames yet.
        if (STP_WAIT.has(peer.iface.portState ?? '')) {
          hops.push({ at: peer.ns.node, ok: false, what: say`bridge port ${peer.iface.name} is ${peer.iface.portState}, not forwarding (STP)`, fix: inNs(peer.ns, 'ip', 'link', 'set', 'dev', bridge.name, 'type', 'bridge', 'stp_state', '0') });
        }
        hops.push(...probe);
        return target;
      }
    } else if (ownerOf(peer.ns, nexthop)) target = peer;
    if (!target) continue;
    hops.push(...vethHops(cur, port, peer));
    return { ns: target.ns, iface: ownerOf(target.ns, nexthop) ?? target.iface };
  }
  // Nobody linked answers: say why, as precisely as the state allows.
  const holder = world.find((w) => ownerOf(w, nexthop));
  const direct = out.kind === 'veth' ? peerOf(world, cur, out) : undefined;
  if (direct && !direct.iface.master) {
    const bridge = direct.ns.interfaces.find((b) => b.kind === 'bridge');
    if (bridge) {
      hops.push({ at: direct.ns.node, ok: false, what: say`veth end ${direct.iface.name} is not attached to bridge ${bridge.name}`, fix: ip(direct.ns, 'link', 'set', 'dev', direct.iface.name, 'master', bridge.name) });
      return undefined;
    }
  }
  // The kernel's own evidence: it asked, by ARP, and nobody answered.
  const asked = cur.neighbours.find((n) => n.dst === nexthop && n.dev === out.name && n.state.some((st) => st === 'FAILED' || st === 'INCOMPLETE'));
  const arp = asked ? say`; ARP for ${nexthop} on ${out.name} went unanswered (neighbour table: ${asked.state.join(',')})` : '';
  hops.push({ at: cur.node, ok: false, what: say`nothing reachable through ${out.name} holds ${nexthop}${holder ? say` (${holder.node} has it, but is not linked there)` : ''}${arp}` });
  return undefined;
}

/** Where the first packet stands during the walk, and what it looks like there. */
interface Journey {
  readonly world: readonly LiveNamespace[];
  readonly from: LiveNamespace;
  readonly hops: Hop[];
  readonly protocol: 'icmp' | 'tcp';
  cur: LiveNamespace;
  inIface: string | undefined;
  src: string | undefined;
  dst: string;
  dport: number | undefined;
  /** The port the client sent to, once DNAT has changed it (what --ctorigdstport matches). */
  origDport: number | undefined;
  /** The MTU the sender's segments are sized for (its interface's): what its SYN offers. */
  senderMtu?: number | undefined;
  /** A router on the way rewrites the MSS of SYNs (TCPMSS): segments are sized for the path. */
  clamped?: boolean;
}

const brokenIn = (w: Journey): boolean => w.hops.some((h) => !h.ok);

/**
 * Walks the path a first packet from `from` to `dst` would take through live state: route
 * lookup, veth peers and bridge ports, forwarding and iptables on every router, the route
 * back. Stops at the first broken hop.
 */
export function why(world: readonly LiveNamespace[], from: LiveNamespace, target: string, protocol: 'icmp' | 'tcp' = 'icmp', port?: number): Hop[] {
  // An IPv6 packet meets each namespace's IPv6 addresses, routes and ip6tables: the same walk, over those.
  if (isIpv6(target) && from.family !== 6) {
    const views = world.map(ipv6View);
    return why(views, views.find((v) => v.node === from.node) ?? ipv6View(from), target, protocol, port);
  }
  const w: Journey = { world, from, hops: [], protocol, cur: from, inIface: undefined, src: undefined, dst: target, dport: port, origDport: undefined };
  let delivered = false;
  for (let n = 0; n < MAX_HOPS && !brokenIn(w); n++) {
    if (!arrive(w)) break;
    const found = lookupRoute(w.cur, w.dst);
    if (found?.kind === 'local') {
      deliver(w, found.iface);
      delivered = true;
      break;
    }
    if (!leave(w, found)) break;
  }
  if (!brokenIn(w) && !delivered) w.hops.push({ at: w.cur.node, ok: false, what: say`still not delivered after ${MAX_HOPS} namespaces: a routing loop?` });
  if (!brokenIn(w) && w.src && w.cur !== w.from) w.hops.push(routeBack(w, w.src));
  return w.hops;
}

/**
 * What a router does to a packet as it arrives, before the route lookup: Docker 28+ drops,
 * in raw PREROUTING, packets for a container's address that do not come from its own bridge
 * (direct routing from outside, or from another network); a published port's DNAT rewrites
 * the destination. False when the packet goes no further.
 */
function arrive(w: Journey): boolean {
  const { cur, src, dst, inIface, protocol, dport } = w;
  if (cur === w.from || !src) return true;
  if (cur.nftTables.length > 0) {
    // Said, not guessed at: what nftables does here is counted by `nslab trace`, not walked.
    w.hops.push({ at: cur.node, ok: true, what: cur.nftTables.length === 1 ? say`nftables table ${cur.nftTables[0]} here is not walked by why (it reads iptables); \`nslab trace\` counts its drops` : say`nftables tables ${cur.nftTables.join(', ')} here are not walked by why (it reads iptables); \`nslab trace\` counts their drops` });
  }
  const raw = evaluate(cur.rules, 'raw', 'PREROUTING', { src, dst, inIface, protocol, dport });
  if (raw.target === 'DROP' && raw.rule) {
    const only = dst.startsWith('127.') ? say`${dst} is a loopback address, which takes packets only by lo` : say`${dst} takes packets only from its own network (Docker 28's direct-access DROP, for a network in gateway mode nat; routed or nat-unprotected lift it)`;
    w.hops.push({ at: cur.node, ok: false, what: say`raw PREROUTING rule \`${raw.rule.spec.join(' ')}\` drops it on arrival from ${inIface}: ${only} (${raw.rule.packets} packets so far)` });
    return false;
  }
  const pre = evaluate(cur.rules, 'nat', 'PREROUTING', { src, dst, inIface, protocol, dport });
  if (pre.target === 'DNAT' && pre.rule?.toDestination) {
    const { address, port: newPort } = splitHostPort(pre.rule.toDestination);
    w.hops.push({ at: cur.node, ok: true, what: say`nat PREROUTING DNAT rewrites ${dst}${dport ? `:${dport}` : ''} -> ${pre.rule.toDestination} (${pre.rule.packets} packets)` });
    if (dst.startsWith('127.') && inIface !== 'lo') {
      w.hops.push({ at: cur.node, ok: true, what: say`${dst} is a loopback address, yet this came in by ${inIface}: DNAT rewrites it before routing could refuse it, so a port published on ${dst} is open to this link (moby#45610; Docker 28 drops such packets in raw PREROUTING)` });
    }
    // The host's own address, which its INPUT filter would refuse: the bypass people report.
    const input = ownerOf(cur, dst) ? refusedHop(cur, 'INPUT', { src, dst, inIface, protocol, dport }, `${inIface} -> ${dst}`) : undefined;
    if (input) {
      w.hops.push({
        at: cur.node,
        ok: true,
        what: say`${dst} is ${cur.node}'s own address, and INPUT would refuse it (${input.what}), but DNAT has made it a packet for ${address}: it is forwarded, INPUT never sees it, FORWARD decides`,
      });
    }
    w.dst = address;
    w.origDport = dport;
    if (newPort) w.dport = Number(newPort);
  }
  return true;
}

/** The destination is one of this namespace's own addresses: its INPUT filter has the last word. */
function deliver(w: Journey, iface: Interface): void {
  const lo = w.cur.interfaces.find((i) => i.name === 'lo');
  if (w.cur === w.from && lo && !lo.up) {
    w.hops.push({ at: w.cur.node, ok: false, what: say`${w.dst} is local, but lo is down (local traffic goes over lo)`, fix: linkUpFix(w.cur, lo) });
    return;
  }
  if (w.cur !== w.from && w.src) {
    const what = w.dport ? say`${w.protocol} port ${w.dport} from ${w.inIface} for ${w.dst}` : say`${w.protocol} from ${w.inIface} for ${w.dst}`;
    const refused = refusedHop(w.cur, 'INPUT', { src: w.src, dst: w.dst, inIface: w.inIface, protocol: w.protocol, dport: w.dport }, what);
    if (refused) {
      w.hops.push(refused);
      return;
    }
  }
  w.hops.push({ at: w.cur.node, ok: true, what: say`${w.dst} is on ${iface.name}: delivered` });
  const listening = w.cur.listening;
  const proxied = w.cur !== w.from ? unpublishedPath(w) : undefined;
  if (proxied) w.hops.push(proxied);
  if (w.protocol === 'tcp' && w.dport !== undefined && listening && !listensOn(listening, w.dst, w.dport)) {
    const elsewhere = listening.filter((l) => l.port === w.dport).map((l) => `${l.address}:${l.port}`);
    w.hops.push({
      at: w.cur.node,
      ok: false,
      what: say`nothing listens on ${w.dst}:${w.dport}${elsewhere.length ? say`: a socket listens on ${elsewhere.join(', ')} only, and takes no connection for ${w.dst}` : ''} (the kernel answers with a reset)`,
      fix: elsewhere.length ? say`bind the service to 0.0.0.0:${w.dport} (or ${w.dst}:${w.dport}) instead of ${elsewhere.join(', ')}` : say`start a service on port ${w.dport} in ${w.cur.node}`,
    });
  }
}

/**
 * Where the path's MTU drops at a router, in either direction: full-size packets the sender
 * (or, coming back, the server) sends must be answered with ICMP "fragmentation needed" here.
 * If this router drops those, and nothing sizes the segments for the path, a TCP transfer's
 * large segments vanish while its handshake and pings pass: a PMTU black hole.
 */
function pathNarrows(w: Journey, out: Interface): Hop | undefined {
  const inIf = w.cur.interfaces.find((i) => i.name === w.inIface);
  if (inIf?.mtu === undefined || out.mtu === undefined || inIf.mtu === out.mtu) return undefined;
  const [wide, narrow, from] = inIf.mtu > out.mtu ? [inIf, out, say`the sender (in by ${inIf.name})`] : [out, inIf, say`the other end (in by ${out.name}, on the way back)`];
  const dropped = w.cur.rules.rules.find((r) => r.table === 'filter' && r.chain === 'OUTPUT' && r.target === 'DROP' && r.protocol?.value === 'icmp' && /\b(3\/4|fragmentation-needed)\b/.test(r.spec.join(' ')));
  const narrows = say`the path narrows here: ${wide.name} has MTU ${wide.mtu}, ${narrow.name} ${narrow.mtu}, so full-size packets from ${from} need ICMP "fragmentation needed" from ${w.cur.node}`;
  const sized = w.clamped || (w.senderMtu !== undefined && w.senderMtu <= narrow.mtu!);
  if (!dropped || sized || w.protocol !== 'tcp') {
    return { at: w.cur.node, ok: true, what: dropped ? (sized ? say`${narrows}; they are dropped (\`${dropped.spec.join(' ')}\`), but segments are already sized for the path (${w.clamped ? say`MSS clamped on the way` : say`the sender's MTU is ${w.senderMtu}`})` : say`${narrows}; they are dropped (\`${dropped.spec.join(' ')}\`): large packets will vanish`) : narrows };
  }
  return {
    at: w.cur.node,
    ok: false,
    what: say`${narrows}, and it drops them (\`${dropped.spec.join(' ')}\`, ${dropped.packets} so far): a PMTU black hole. The handshake and pings pass, full-size segments vanish, and a large transfer stalls`,
    fix: say`size segments for the path on the docker host: iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu, or give the network -o com.docker.network.driver.mtu=${narrow.mtu}`,
  };
}

/**
 * A published port's DNAT that did not apply to this packet (it came from the bridge itself,
 * or from the host), while a process listens on the port: docker-proxy, which connects to the
 * container on its own, from the bridge's gateway. That is the client address the server sees.
 */
function unpublishedPath(w: Journey): Hop | undefined {
  if (w.protocol !== 'tcp' || w.dport === undefined || w.origDport !== undefined) return undefined;
  const dnat = w.cur.rules.rules.find((r) => r.table === 'nat' && r.target === 'DNAT' && r.dport === String(w.dport) && r.toDestination);
  if (!dnat || !w.cur.listening || !listensOn(w.cur.listening, w.dst, w.dport)) return undefined;
  return {
    at: w.cur.node,
    ok: true,
    what: say`port ${w.dport} is published (\`${dnat.spec.join(' ')}\`), but that DNAT does not take this packet (from ${w.inIface}): the host's listener on ${w.dport}, docker-proxy, accepts it and connects to ${dnat.toDestination} itself, so the server there sees the proxy's address, not ${w.src}`,
  };
}

/**
 * Sends the packet on from here: forwarding on a router, a route and an interface that is
 * up, the FORWARD chain and source NAT, then across the link to the next namespace. False
 * when it goes no further.
 */
function leave(w: Journey, found: ReturnType<typeof lookupRoute>): boolean {
  const { cur, world } = w;
  if (cur !== w.from) {
    if (!cur.forwarding) {
      const key = cur.family === 6 ? 'net.ipv6.conf.all.forwarding' : 'net.ipv4.ip_forward';
      w.hops.push({ at: cur.node, ok: false, what: say`forwarding is off (${key}=0): it drops packets not addressed to it`, fix: inNs(cur, 'sysctl', '-w', `${key}=1`) });
      return false;
    }
    w.hops.push({ at: cur.node, ok: true, what: say`forwarding is on` });
  }
  if (!found || found.kind === 'local' || !found.dev) {
    w.hops.push(noRoute(w, found === undefined));
    return false;
  }
  const out = found.dev;
  w.hops.push({ at: cur.node, ok: true, what: say`route to ${w.dst}: ${found.route.dst}${found.route.gateway ? say` via ${found.route.gateway}` : ''} dev ${out.name}` });
  w.senderMtu ??= out.mtu;
  if (cur.rules.rules.some((r) => r.table === 'mangle' && r.target === 'TCPMSS')) w.clamped = true;
  const narrowing = cur !== w.from ? pathNarrows(w, out) : undefined;
  if (narrowing) {
    w.hops.push(narrowing);
    if (!narrowing.ok) return false;
  }
  if (!out.up) {
    w.hops.push({ at: cur.node, ok: false, what: out.kind === 'bridge' ? say`bridge ${out.name} is down` : say`interface ${out.name} is down`, fix: linkUpFix(cur, out) });
    return false;
  }
  w.src ??= found.route.prefsrc ?? out.addresses[0]?.split('/')[0];
  const shadow = found.route.gateway ? undefined : shadowingBridge(world, cur, out, found.route.dst, w.dst);
  if (shadow) {
    w.hops.push(shadow);
    return false;
  }
  if (cur !== w.from && w.src) {
    const packet = { src: w.src, dst: w.dst, inIface: w.inIface, outIface: out.name, protocol: w.protocol, dport: w.dport, origDport: w.origDport };
    w.hops.push(forwardHop(cur, packet));
    if (brokenIn(w)) return false;
    const nat = evaluate(cur.rules, 'nat', 'POSTROUTING', packet);
    if (nat.target === 'MASQUERADE' || nat.target === 'SNAT') {
      const to = out.addresses[0]?.split('/')[0] ?? w.src;
      w.hops.push({ at: cur.node, ok: true, what: say`nat POSTROUTING ${nat.target} rewrites source ${w.src} -> ${to} (${nat.rule?.packets ?? 0} packets)` });
      w.src = to;
    }
  }
  const packet = w.src ? { src: w.src, dst: w.dst, protocol: w.protocol, dport: w.dport } : undefined;
  const next = crossLink({ world, hops: w.hops, packet }, cur, out, found.route.gateway ?? w.dst);
  if (!next || brokenIn(w)) return false;
  w.inIface = next.iface.name;
  w.cur = next.ns;
  return true;
}

/** No route out: an interface set down takes its routes with it, else a route is missing. */
function noRoute(w: Journey, noneAtAll: boolean): Hop {
  const { cur, world, dst } = w;
  const down = noneAtAll ? cur.interfaces.find((i) => i.name !== 'lo' && !i.up && i.addresses.length > 0) : undefined;
  if (down) return { at: cur.node, ok: false, what: say`no route to ${dst}: ${down.name} is down, and the kernel took its routes with it`, fix: linkUpFix(cur, down) };
  const gw = gatewayFor(cur, world);
  const linked = world.find((x) => x !== cur && ownerOf(x, dst));
  return {
    at: cur.node,
    ok: false,
    what: say`no route to ${dst}${linked && !gw ? say` (${linked.node} has it, but in a subnet ${cur.node} has no address in)` : ''}`,
    fix: gw ? ip(cur, 'route', 'add', 'default', 'via', gw) : undefined,
  };
}

/** The reply's way home: without a route back to the source, the first packet is the only one. */
function routeBack(w: Journey, src: string): Hop {
  const { cur, world, from } = w;
  if (lookupRoute(cur, src)) return { at: cur.node, ok: true, what: say`route back to ${src} exists` };
  if (cur.family === 6) return noRouteBack6(w, src);
  const router = [...world].find((x) => x.forwarding && x !== cur && x !== from);
  const subnet = from.interfaces.flatMap((i) => i.addresses).find((a) => a.startsWith(`${src}/`));
  const bridge = router?.interfaces.find((i) => i.kind === 'bridge');
  return {
    at: cur.node,
    ok: false,
    what: say`no route back to ${src}: replies cannot return${router ? say` (${router.node} should MASQUERADE ${src}'s subnet)` : ''}`,
    fix: router && subnet && bridge ? inNs(router, 'iptables', '-t', 'nat', '-A', 'POSTROUTING', '-s', subnetOf(subnet).cidr, '!', '-o', bridge.name, '-j', 'MASQUERADE') : ip(cur, 'route', 'add', src, 'via', '<gateway>'),
  };
}

/**
 * IPv6 is routed, not translated, wherever the network asks for it (gateway_mode_ipv6=routed,
 * a global prefix): the way back is a route on this router to the prefix, via the neighbour
 * the packet came from.
 */
function noRouteBack6(w: Journey, src: string): Hop {
  const { cur, world, from } = w;
  const inIf = cur.interfaces.find((i) => i.name === w.inIface);
  const peer = inIf ? peerOf(world, cur, inIf) : undefined;
  const via = peer?.iface.addresses[0]?.split('/')[0];
  const own = from.interfaces.flatMap((i) => i.addresses).find((a) => a.startsWith(`${src}/`));
  const prefix = own ? networkOf(own) : src;
  return {
    at: cur.node,
    ok: false,
    what: say`no route back to ${src}: replies cannot return. Nothing translated it on the way (no NAT66), so ${cur.node} must know that ${prefix} lives behind ${peer?.ns.node ?? say`the router it came from`}`,
    fix: via ? ip(cur, 'route', 'add', prefix, 'via', via) : ip(cur, 'route', 'add', prefix, 'via', '<gateway>'),
  };
}

export function renderHops(hops: readonly Hop[]): string {
  const mark = (ok: boolean) => padDisplay(ok ? tr`ok` : tr`BROKEN`, 6);
  return `${hops.map((h) => `  ${mark(h.ok)}  ${h.at}: ${localize(h.what)}${h.fix ? `\n          ${tr`fix:`} ${localize(h.fix)}` : ''}`).join('\n')}\n`;
}
