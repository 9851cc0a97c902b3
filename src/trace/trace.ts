import { randomInt } from 'node:crypto';
import { agentCmd } from '../agent/agent.js';
import { cmd } from '../exec/command.js';
import type { Background, Runner } from '../exec/runner.js';
import { parseRuleset, type Ruleset } from '../kernel/iptables-save.js';
import { findTool } from '../kernel/tools.js';
import { NslabError } from '../errors.js';
import { lookupRoute, ownerOf } from '../inspect/route-lookup.js';
import { peerOf, why, type Hop } from '../inspect/why.js';
import { readNamespace, type LiveNamespace } from '../inspect/world.js';
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
  return [...(r.protocol === 'icmp' ? ['icmp'] : [r.protocol, 'port', String(sport)]), 'or', 'udp', 'port', String(VXLAN_PORT)];
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
  const read = await Promise.all(world.map((w) => runner.run(cmd('iptables-save', ['-c'], w.ns), { allowFail: true })));
  return new Map(world.map((w, k) => [w.node, parseRuleset(read[k]!.stdout)]));
}

/** "host: raw PREROUTING rule 1 `-d 172.18.0.2/32 ! -i br-x -j DROP` (1 packet)" for each drop rule that fired. */
function dropsThatFired(before: ReadonlyMap<string, Ruleset>, after: ReadonlyMap<string, Ruleset>): string[] {
  return [...after].flatMap(([node, set]) =>
    risen(before.get(node), set)
      .filter(({ rule }) => rule.target === 'DROP' || rule.target === 'REJECT')
      .map(({ rule, index, rose }) => `${node}: ${rule.table} ${rule.chain} rule ${index} \`${rule.spec.join(' ')}\` (${rose} packet${rose === 1 ? '' : 's'} during the trace)`),
  );
}

/** Where a packet last seen at `h` should have shown up next. */
function nextPlace(world: readonly LiveNamespace[], h: TraceHop, dst: string): string | undefined {
  const ns = world.find((w) => w.node === h.node);
  if (!ns) return undefined;
  if (h.direction === 'out') {
    const iface = ns.interfaces.find((i) => i.name === h.iface);
    const peer = iface && peerOf(world, ns, iface);
    return peer ? `${peer.ns.node} ${peer.iface.name} in` : undefined;
  }
  const found = lookupRoute(ns, dst);
  if (found?.kind === 'local') return `${ns.node}: delivered on ${found.iface.name}`;
  return found?.dev ? `${ns.node} ${found.dev.name} out` : `${ns.node}: out by a route to ${dst} (there is none)`;
}

/** The probe a trace sends, from the user's words: a port makes it TCP, or with udp a datagram. */
export const protocolOf = (port: number | undefined, udp: boolean | undefined): TraceRequest['protocol'] => (port === undefined ? 'icmp' : udp ? 'udp' : 'tcp');

/** Sends one probe and watches it cross `world` (read just now, with rule counters), every namespace captured. */
export async function trace(runner: Runner, world: readonly LiveNamespace[], r: TraceRequest): Promise<TraceResult> {
  if (findTool('tcpdump') === undefined) throw new NslabError('trace needs tcpdump, which is not installed', { hint: 'install it: sudo ./scripts/provision.sh (Debian package tcpdump)' });
  if (r.protocol !== 'icmp' && r.port === undefined) throw new NslabError(`a ${r.protocol} trace needs a port`, { hint: 'add --port N' });
  // Above the kernel's ephemeral port range (32768-60999), so no socket the kernel numbered holds it.
  const sport = r.protocol === 'icmp' ? undefined : randomInt(61000, 65000);
  const before = new Map(world.map((w) => [w.node, w.rules]));
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
    const after = await ruleCounters(runner, world);
    const counters = new Map(world.map((w) => [w.node, { before: before.get(w.node), after: after.get(w.node) }]));
    const { request, reply } = orderHops(ours, isRequest, counters, { dst: r.to, dport: r.port });
    const last = request.at(-1);
    const finalDst = [...request].reverse().find((h) => !h.what.startsWith('VXLAN'))?.dst ?? r.to;
    // A loopback address (Docker's resolver at 127.0.0.11) is the sender's own.
    const owner = finalDst.startsWith('127.') ? r.from : world.find((w) => ownerOf(w, finalDst));
    const arrived = owner !== undefined && request.some((h) => h.node === owner.node && (h.direction === 'in' || h.iface === 'lo'));
    const lost = arrived
      ? undefined
      : {
          lastSeen: last,
          next: last ? nextPlace(world, last, finalDst) : `${r.from.node}: out by its route to ${r.to}`,
          // Read again: the rule counters now include the probe, as `why` run now would see them.
          reason: await whyNow(runner, world, r),
          droppedBy: dropsThatFired(before, after),
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
  const now = await Promise.all(world.map(async (w) => ({ ...(await readNamespace(runner, w.ns)), node: w.node })));
  const from = now.find((w) => w.node === r.from.node) ?? r.from;
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
