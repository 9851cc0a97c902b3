import { say } from '../text/say.js';
import { randomInt } from 'node:crypto';
import { agentCmd } from '../agent/agent.js';
import { cmd, renderCmd } from '../exec/command.js';
import type { Background, Runner } from '../exec/runner.js';
import { parseRuleset, type Ruleset } from '../kernel/iptables-save.js';
import { evaluate } from '../kernel/packet-filter.js';
import { nftDropCounters, type NftDropCounter } from '../kernel/nft-listing.js';
import { findTool } from '../kernel/tools.js';
import { NslabError } from '../errors.js';
import { lookupRoute, ownerOf } from '../inspect/route-lookup.js';
import { peerOf, why, type Hop } from '../inspect/why.js';
import { ipv6View, readNamespace, type LiveNamespace } from '../inspect/world.js';
import { splitHostPort } from '../model/cidr.js';
import { isIpv6 } from '../model/ipam6.js';
import { agentReply, ping, type ProbeResult } from '../verify/probes.js';
import { parseCapture, type Captured } from './captured.js';
import { orderHops, risen, type TraceHop } from './hops.js';

// `nslab trace`: one marked probe, watched by a capture in every namespace of the lab.
// The captures start first and are waited for until each says it listens; the probe is
// one ICMP echo, or one TCP connection / UDP datagram from a fixed source port; then the
// captures stop, and what they saw is put in order. Where the probe stopped, `why`'s first
// broken hop says why, so the two commands give the same fix.

export interface TraceRequest {
  readonly from: LiveNamespace;
  readonly to: string;
  readonly protocol: 'icmp' | 'tcp' | 'udp';
  readonly port?: number | undefined;
  /** With udp: a real DNS query for this name instead of a bare datagram. */
  readonly dnsName?: string | undefined;
}

export interface Lost {
  /** The last hop the request was seen at, if it was seen at all. */
  readonly lastSeen: TraceHop | undefined;
  /** Where it should have appeared next. */
  readonly next: string | undefined;
  /** why's first broken hop, with its fix. */
  readonly reason: Hop | undefined;
  /** DROP or REJECT rules whose counters rose during the probe: where the kernel actually dropped it. */
  readonly droppedBy: readonly string[];
}

export interface TraceResult {
  readonly from: string;
  readonly to: string;
  readonly protocol: 'icmp' | 'tcp' | 'udp';
  readonly port: number | undefined;
  readonly sourcePort: number | undefined;
  readonly request: readonly TraceHop[];
  readonly reply: readonly TraceHop[];
  /** The request reached the namespace holding its (final) destination address. */
  readonly arrived: boolean;
  /** That namespace's node. */
  readonly arrivedAt: string | undefined;
  readonly probe: ProbeResult;
  /** How rewrites were pinned on rules. */
  readonly attribution: 'rule counters (iptables-save -c before and after)';
  readonly lost: Lost | undefined;
}

// Quiet this long, a capture has printed what it saw (a loaded machine schedules tcpdump late).
const SETTLE_MS = 150;
// How long a busy machine's captures get to print what the kernel already handed them.
const CATCH_UP_LIMIT_MS = 3000;
const VXLAN_PORT = 4789;
// A capture ends by itself after this, so even a trace killed with SIGKILL leaves none running for long.
const CAPTURE_LIMIT_S = 15;

/** The probe's packets, and VXLAN frames (an overlay carries them inside UDP 4789). */
function captureFilter(r: TraceRequest, sport: number | undefined): string[] {
  return [...(r.protocol === 'icmp' ? ['icmp', 'or', 'icmp6'] : [r.protocol, 'port', String(sport)]), 'or', 'udp', 'port', String(VXLAN_PORT)];
}

async function probeOnce(runner: Runner, r: TraceRequest, sport: number | undefined): Promise<ProbeResult> {
  if (r.protocol === 'icmp') return ping(runner, r.from.ns, r.to);
  const [file, ...args] =
    r.protocol === 'tcp'
      ? ['tcp-client', r.to, String(r.port), '1000', String(sport), 'connect']
      : r.dnsName
        ? ['dns-query', r.to, String(r.port), r.dnsName, '1000', 'udp', String(sport)]
        : ['udp-send', r.to, String(r.port), String(sport), '1000'];
  const reply = agentReply(await runner.run(agentCmd(r.from.ns, file!, ...args), { allowFail: true, timeoutMs: 5000 }));
  const said = reply.addresses ? `${r.dnsName} is ${reply.addresses.join(', ')}` : reply.data || 'connected';
  return reply.ok ? { reached: true, rttMs: reply.ms, detail: said } : { reached: false, detail: reply.error ?? 'no answer' };
}

/** Every table's rules with their counters, per node, read after the probe (before is the world just read). */
async function ruleCounters(runner: Runner, world: readonly LiveNamespace[]): Promise<Map<string, Ruleset>> {
  const read = await Promise.all(world.map((w) => runner.run(cmd(w.family === 6 ? 'ip6tables-save' : 'iptables-save', ['-c'], w.ns), { allowFail: true })));
  return new Map(world.map((w, k) => [w.node, parseRuleset(read[k]!.stdout)]));
}

/** nftables drop rules with their counters, per node (Docker 29's nftables backend, an admin's own table). */
async function nftCounters(runner: Runner, world: readonly LiveNamespace[]): Promise<Map<string, NftDropCounter[]>> {
  if (findTool('nft') === undefined) return new Map();
  const read = await Promise.all(world.map((w) => runner.run(cmd('nft', ['-a', 'list', 'ruleset'], w.ns), { allowFail: true })));
  return new Map(world.map((w, k) => [w.node, read[k]!.exitCode === 0 ? nftDropCounters(read[k]!.stdout) : []]));
}

/** "host: raw PREROUTING rule 1 `-d 172.18.0.2/32 ! -i br-x -j DROP` (1 packet)" for each drop rule that fired. */
function dropsThatFired(before: ReadonlyMap<string, Ruleset>, after: ReadonlyMap<string, Ruleset>): string[] {
  return [...after].flatMap(([node, set]) =>
    risen(before.get(node), set)
      .filter(({ rule }) => rule.target === 'DROP' || rule.target === 'REJECT')
      .map(({ rule, index, rose }) => (rose === 1 ? say`${node}: ${rule.table} ${rule.chain} rule ${index} \`${rule.spec.join(' ')}\` (1 packet during the trace)` : say`${node}: ${rule.table} ${rule.chain} rule ${index} \`${rule.spec.join(' ')}\` (${rose} packets during the trace)`)),
  );
}

/** The nft drop rules whose counters rose during the probe, with the node they are in. */
function nftDropsThatFired(before: ReadonlyMap<string, NftDropCounter[]>, after: ReadonlyMap<string, NftDropCounter[]>): { node: string; drop: NftDropCounter; rose: number }[] {
  const key = (d: NftDropCounter) => `${d.table} ${d.chain} ${d.rule}`;
  return [...after].flatMap(([node, drops]) => {
    const was = new Map((before.get(node) ?? []).map((d) => [key(d), d.packets]));
    return drops.flatMap((drop) => {
      const rose = drop.packets - (was.get(key(drop)) ?? 0);
      return rose > 0 ? [{ node, drop, rose }] : [];
    });
  });
}

/** "host: nft ip host-firewall forward `iifname "eth0" ... drop` (1 packet during the trace)". */
const nftDropLine = ({ node, drop, rose }: { node: string; drop: NftDropCounter; rose: number }) => (rose === 1 ? say`${node}: nft ${drop.table} ${drop.chain} \`${drop.rule}\` (1 packet during the trace)` : say`${node}: nft ${drop.table} ${drop.chain} \`${drop.rule}\` (${rose} packets during the trace)`);

/** A fired nft drop as the reason: why walks iptables only, the counter is the kernel's word. */
function nftReason(world: readonly LiveNamespace[], { node, drop }: { node: string; drop: NftDropCounter }): Hop {
  const ns = world.find((w) => w.node === node);
  return {
    at: node,
    ok: false,
    what: say`nftables rule \`${drop.rule}\` in ${drop.table} chain ${drop.chain} dropped it (its counter rose during the trace)`,
    fix: drop.handle === undefined ? undefined : renderCmd(cmd('nft', ['delete', 'rule', ...drop.table.split(' '), drop.chain, 'handle', String(drop.handle)], ns?.ns)),
  };
}

/** Where a packet last seen at `h` should have shown up next. */
function nextPlace(world: readonly LiveNamespace[], h: TraceHop, dst: string, protocol: TraceRequest['protocol']): string | undefined {
  const ns = world.find((w) => w.node === h.node);
  if (!ns) return undefined;
  if (h.direction === 'out') {
    const iface = ns.interfaces.find((i) => i.name === h.iface);
    const peer = iface && peerOf(world, ns, iface);
    return peer ? `${peer.ns.node} ${peer.iface.name} in` : undefined;
  }
  // DNAT on arrival sends it on to another address: the route for that one is where it goes next.
  const dnat = evaluate(ns.rules, 'nat', 'PREROUTING', { src: h.src, dst: h.dst, inIface: h.iface, protocol, dport: h.dport });
  const to = dnat.target === 'DNAT' && dnat.rule?.toDestination ? splitHostPort(dnat.rule.toDestination).address : dst;
  const found = lookupRoute(ns, to);
  if (found?.kind === 'local') return `${ns.node}: delivered on ${found.iface.name}`;
  return found?.dev ? `${ns.node} ${found.dev.name} out` : `${ns.node}: out by a route to ${to} (there is none)`;
}

/** The probe a trace sends, from the user's words: a port makes it TCP, or with udp a datagram. */
export const protocolOf = (port: number | undefined, udp: boolean | undefined): TraceRequest['protocol'] => (port === undefined ? 'icmp' : udp ? 'udp' : 'tcp');

/** Sends one probe and watches it cross `world` (read just now, with rule counters), every namespace captured. */
export async function trace(runner: Runner, read: readonly LiveNamespace[], asked: TraceRequest): Promise<TraceResult> {
  // An IPv6 probe crosses the namespaces' IPv6 side: their IPv6 addresses, routes and ip6tables.
  const v6 = isIpv6(asked.to) && asked.from.family !== 6;
  const world = v6 ? read.map(ipv6View) : read;
  const r = v6 ? { ...asked, from: world.find((w) => w.node === asked.from.node) ?? ipv6View(asked.from) } : asked;
  if (findTool('tcpdump') === undefined) throw new NslabError('trace needs tcpdump, which is not installed', { hint: 'install it: sudo ./scripts/provision.sh (Debian package tcpdump)' });
  if (r.protocol !== 'icmp' && r.port === undefined) throw new NslabError(`a ${r.protocol} trace needs a port`, { hint: 'add --port N' });
  // Above the kernel's ephemeral port range (32768-60999), so no socket the kernel numbered holds it.
  const sport = r.protocol === 'icmp' ? undefined : randomInt(61000, 65000);
  const before = new Map(world.map((w) => [w.node, w.rules]));
  const nftBefore = await nftCounters(runner, world);
  const captures: { node: string; dump: Background }[] = [];
  try {
    // One capture per namespace, on every interface (-i any names the interface and direction).
    const started = await Promise.allSettled(
      world.map(async (w) => ({
        node: w.node,
        dump: await runner.start(cmd('timeout', [String(CAPTURE_LIMIT_S), 'tcpdump', '-i', 'any', '-n', '-tt', '--nano', '-l', '--immediate-mode', ...captureFilter(r, sport)], w.ns), {
          ready: /listening on/,
          readyOn: 'stderr',
          timeoutMs: 5000,
        }),
      })),
    );
    for (const s of started) if (s.status === 'fulfilled') captures.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw new NslabError(`a capture did not start: ${(failed.reason as Error).message}`, { hint: 'see `nslab doctor`' });
    const probe = await probeOnce(runner, r, sport);
    const isRequest = (p: Captured) => (r.protocol === 'icmp' ? p.what.endsWith('echo request') : p.sport === sport);
    await capturesCaughtUp(captures, r.from.node, probe.reached ? (p) => p.direction === 'in' && !isRequest(p) : undefined);
    await Promise.all(captures.map((c) => c.dump.stop()));
    const packets = captures.flatMap((c) => parseCapture(c.node, c.dump.output()));
    const ours = pickProbe(packets, r, sport);
    const [after, nftAfter] = await Promise.all([ruleCounters(runner, world), nftCounters(runner, world)]);
    const nftDrops = nftDropsThatFired(nftBefore, nftAfter);
    const droppedBy = [...dropsThatFired(before, after), ...nftDrops.map(nftDropLine)];
    const counters = new Map(world.map((w) => [w.node, { before: before.get(w.node), after: after.get(w.node) }]));
    const { request, reply } = orderHops(ours, isRequest, counters, { dst: r.to, dport: r.port });
    const last = request.at(-1);
    const finalDst = [...request].reverse().find((h) => !h.what.startsWith('VXLAN'))?.dst ?? r.to;
    // A loopback address (Docker's resolver at 127.0.0.11) is the sender's own.
    const owner = finalDst.startsWith('127.') ? r.from : world.find((w) => ownerOf(w, finalDst));
    const seenAtOwner = owner !== undefined && request.some((h) => h.node === owner.node && (h.direction === 'in' || h.iface === 'lo'));
    // Read again: the rule counters now include the probe, as `why` run now would see them.
    // Unanswered, the packet may have died inside the namespace it was addressed to: DNAT
    // there made it one for somebody else, and a rule dropped it before it was sent on.
    // A loopback destination the request never left the sender for (the embedded DNS) is the
    // sender's own: nothing on a path to walk. (A neighbour can send 127.0.0.1 out a link.)
    const local = finalDst.startsWith('127.') && request.every((h) => h.node === r.from.node);
    const reason = nftDrops[0] ? nftReason(world, nftDrops[0]) : !local && (!seenAtOwner || !probe.reached) ? await whyNow(runner, world, r) : undefined;
    const arrived = seenAtOwner && reason === undefined && (probe.reached || droppedBy.length === 0);
    const lost = arrived
      ? undefined
      : {
          lastSeen: last,
          next: last ? nextPlace(world, last, finalDst, r.protocol) : `${r.from.node}: out by its route to ${r.to}`,
          reason,
          droppedBy,
        };
    return { from: r.from.node, to: r.to, protocol: r.protocol, port: r.port, sourcePort: sport, request, reply, arrived, arrivedAt: arrived ? owner?.node : undefined, probe, attribution: 'rule counters (iptables-save -c before and after)', lost };
  } finally {
    // Interrupted or failed: no capture outlives the trace.
    await Promise.all(captures.map((c) => c.dump.stop()));
  }
}

/**
 * Waits until the captures have printed what they saw: each has been quiet for SETTLE_MS and,
 * when the probe got its answer, the sender's capture shows the answer arriving. Stopping a
 * capture drops packets it has not printed yet, and on a loaded machine tcpdump can print
 * the reply well after ping has it, so a fixed pause loses the last hop now and then.
 */
async function capturesCaughtUp(captures: readonly { node: string; dump: Background }[], sender: string, answered: ((p: Captured) => boolean) | undefined): Promise<void> {
  const deadline = Date.now() + CATCH_UP_LIMIT_MS;
  const lengths = () => captures.map((c) => c.dump.output().length).join(',');
  const senderCapture = captures.find((c) => c.node === sender);
  // Parsed only once the captures are quiet, not on every tick.
  const senderHasAnswer = () => answered === undefined || (senderCapture !== undefined && parseCapture(sender, senderCapture.dump.output()).some(answered));
  let seen = lengths();
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = lengths();
    if (now !== seen) [seen, quietSince] = [now, Date.now()];
    else if (Date.now() - quietSince >= SETTLE_MS && senderHasAnswer()) return;
  }
}

async function whyNow(runner: Runner, world: readonly LiveNamespace[], r: TraceRequest): Promise<Hop | undefined> {
  const now = await Promise.all(world.map(async (w) => ({ ...(await readNamespace(runner, w.ns, { ipv6: w.family === 6 })), node: w.node })));
  const from = now.find((w) => w.node === r.from.node) ?? r.from;
  // why makes its own IPv6 view of what it was given.
  return why(now, from, r.to, r.protocol === 'udp' ? 'tcp' : r.protocol, r.port).find((h) => !h.ok);
}

/** The probe's own packets: by ICMP echo id (ping picks it; read off its first request), else by source port. */
function pickProbe(packets: readonly Captured[], r: TraceRequest, sport: number | undefined): Captured[] {
  if (r.protocol !== 'icmp') {
    const mine = packets.filter((p) => p.protocol === r.protocol && (p.sport === sport || p.dport === sport));
    // A TCP connection is several packets each way: the first of each is the trace.
    if (r.protocol === 'tcp') {
      const first = mine.find((p) => p.sport === sport)?.what;
      const answer = mine.find((p) => p.dport === sport)?.what;
      return mine.filter((p) => (p.sport === sport ? p.what === first : p.what === answer));
    }
    return mine;
  }
  const first = [...packets].sort((a, b) => a.time - b.time).find((p) => p.node === r.from.node && p.what.startsWith('echo request') && p.dst === r.to);
  return first ? packets.filter((p) => p.icmpId === first.icmpId && /echo (request|reply)$/.test(p.what)) : [];
}
