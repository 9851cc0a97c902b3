import { say } from '../text/say.js';
import { availableParallelism } from 'node:os';
import { NslabError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import { waitForLinks } from '../kernel/settle.js';
import { findTool } from '../kernel/tools.js';
import type { Expectation, Outcome, Probe } from '../plan/expectation.js';
import { captureWhilePinging } from './probe-capture.js';
import { dnsLookup } from './probe-dns.js';
import { fpingEach, fpingMany } from './fping.js';
import { httpGet } from './probe-http.js';
import { outputMatches } from './probe-output.js';
import { vethPeer } from './probe-veth-peer.js';
import { ping, tcpService, tcpWhoami, type ProbeResult } from './probes.js';

/** Maps a lab's node names to namespaces (undefined: the namespace nslab runs in). */
export type NodeResolver = (node: string) => string | undefined;

/**
 * Deadlines: a probe expected to fail costs its deadline, so it is short; one expected to
 * reach usually answers in well under a millisecond and only costs its deadline when broken.
 */
export const DEADLINE_MS = { reach: 1000, fail: 250 } as const;

async function runProbe(runner: Runner, probe: Probe, ns: NodeResolver, expect: Expectation['expect']): Promise<ProbeResult> {
  switch (probe.kind) {
    case 'ping':
      return ping(runner, ns(probe.from), probe.to, probe.dev, DEADLINE_MS[expect], probe.size);
    case 'tcp':
    case 'source':
      return tcpWhoami(runner, ns(probe.from), ns(probe.server), probe.to, probe.port);
    case 'output':
      if (probe.after) await ping(runner, ns(probe.after.from), probe.after.to);
      return outputMatches(runner, ns(probe.node), probe.argv, probe.match);
    case 'veth-peer':
      return vethPeer(runner, ns(probe.node), probe.dev, ns(probe.peerNode), probe.peerDev);
    case 'service':
      return tcpService(runner, ns(probe.from), probe.to, probe.port);
    case 'http':
      return httpGet(runner, ns(probe.from), probe.to, probe.port, probe.body);
    case 'dns':
      return dnsLookup(runner, ns(probe.from), probe.name, probe.resolver, probe.transport, probe.waitMs);
    case 'capture':
      return captureWhilePinging(runner, { ...probe, onNs: ns(probe.on), fromNs: ns(probe.from) });
  }
}

/** The nodes a probe runs in or talks to, by the field names probes use (so new kinds need no change here). */
function probeNodes(p: Probe): string[] {
  const q = p as Partial<Record<'from' | 'server' | 'node' | 'peerNode' | 'on', string>> & { after?: { from?: string } };
  return [q.from, q.server, q.node, q.peerNode, q.on, q.after?.from].filter((n): n is string => typeof n === 'string');
}

function judge(e: Expectation, r: ProbeResult): Outcome {
  let pass = e.expect === 'reach' ? r.reached : !r.reached;
  let detail = r.detail;
  if (e.probe.kind === 'source' && r.reached) {
    pass = e.expect === 'reach' && r.detail === e.probe.source;
    detail = pass ? say`server saw ${r.detail}` : say`server saw ${r.detail}, expected ${e.probe.source}`;
  }
  if (e.probe.kind === 'service' && e.probe.answer !== undefined && r.reached) {
    pass = e.expect === 'reach' && r.detail === e.probe.answer;
    detail = `${r.detail || '(nothing)'} answered${pass ? '' : `, expected ${e.probe.answer}`}`;
  }
  if (e.probe.kind === 'dns' && e.probe.answer !== undefined && r.reached) {
    pass = e.expect === 'reach' && r.detail === `${e.probe.name} -> ${e.probe.answer}`;
    if (!pass) detail = `${r.detail}, expected ${e.probe.answer}`;
  }
  return { title: e.title, expect: e.expect, reached: r.reached, pass, rttMs: r.rttMs, detail, kind: e.probe.kind };
}

/**
 * Work units: with `group`, ping expectations from one node that should reach share one
 * fping (when fping is installed); every other expectation is a unit of its own. fping says
 * only "no reply", so pings expected to fail, and retries, run as `ping`, which says why
 * (e.g. "connect: Network is unreachable").
 */
function units(expectations: readonly Expectation[], indices: readonly number[], group: boolean): number[][] {
  const groups = new Map<string, number[]>();
  const out: number[][] = [];
  for (const i of indices) {
    const p = expectations[i]!.probe;
    // A ping out of a given interface (-I) runs alone.
    if (!group || p.kind !== 'ping' || p.dev !== undefined || p.size !== undefined || expectations[i]!.expect !== 'reach') {
      out.push([i]);
      continue;
    }
    const key = p.from;
    const g = groups.get(key) ?? [];
    if (g.length === 0) out.push(g);
    g.push(i);
    groups.set(key, g);
  }
  return out;
}

async function runUnit(runner: Runner, expectations: readonly Expectation[], unit: readonly number[], ns: NodeResolver): Promise<ProbeResult[]> {
  const first = expectations[unit[0]!]!;
  if (unit.length === 1 || first.probe.kind !== 'ping') return [await runProbe(runner, first.probe, ns, first.expect)];
  const targets = unit.map((i) => (expectations[i]!.probe as Extract<Probe, { kind: 'ping' }>).to);
  const got = await fpingMany(runner, ns(first.probe.from), targets, DEADLINE_MS.reach);
  return targets.map((t) => got.get(t)!);
}

/** From this many fping groups on, they go through one spawn (Runner.runEach). */
const MANY_GROUPS = 8;

/** Runs `work` with at most `limit` in flight. */
async function pool<T>(work: readonly T[], limit: number, run: (w: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < work.length) await run(work[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, work.length) }, worker));
}

/**
 * Runs every expectation and gives each its own outcome in the expectations' order.
 *
 * Probes that should reach go first, at once: a probe that reached proves its links were
 * ready. Those that did not are tried once more after the kernel has caught up with every
 * link of the lab (a lost first packet, or a link linkwatch had not activated yet, is not a
 * broken network). Probes that should fail run only once the links are settled, since a
 * link that is not active yet would make isolation look like it holds. Waiting up front
 * for every namespace cost one process per namespace even when nothing was pending.
 *
 * fping groups run at most one per CPU: each is `ip netns exec` (a mount namespace and a
 * /sys remount, serialised in the kernel) and a burst of packets all handled on CPU, and
 * eight at once on two cores took 4.6 s for a 200-container mesh that takes 1.0 s two at a time.
 */
export async function verify(
  runner: Runner,
  expectations: readonly Expectation[],
  ns: NodeResolver,
  options: {
    concurrency?: number;
    /** Every namespace of the lab, whose links must be settled first (default: the probes' own). */
    namespaces?: readonly (string | undefined)[];
  } = {},
): Promise<Outcome[]> {
  if (runner.dryRun) throw new NslabError('verification sends real packets and cannot run in dry-run mode');
  // Lab namespaces only: links in the root namespace are not the lab's to wait for.
  const labNamespaces = (options.namespaces ?? expectations.flatMap((e) => probeNodes(e.probe).map(ns))).filter((n): n is string => n !== undefined);
  let settling: Promise<unknown> | undefined;
  const settled = () => (settling ??= waitForLinks(runner, labNamespaces));
  const fping = findTool('fping') !== undefined;
  const results: ProbeResult[] = new Array(expectations.length);
  const concurrency = options.concurrency ?? 8;
  const pass = async (indices: readonly number[], group: boolean) => {
    const work = units(expectations, indices, group);
    const run = async (unit: readonly number[]) => {
      const got = await runUnit(runner, expectations, unit, ns);
      for (const [k, i] of unit.entries()) results[i] = got[k]!;
    };
    const grouped = work.filter((u) => u.length > 1);
    const single = work.filter((u) => u.length === 1);
    const cpus = Math.min(concurrency, availableParallelism());
    // Many fping groups (a big mesh): one helper process per CPU runs a share of them, since
    // spawning from nslab's own process is what costs; a few go one process each.
    // Many fping groups (a big mesh) go through one spawn of nslab's, one per CPU at a time,
    // since spawning from nslab's own process is what costs; a few go one process each.
    const pingOf = (i: number) => expectations[i]!.probe as Extract<Probe, { kind: 'ping' }>;
    const fpings =
      grouped.length >= MANY_GROUPS
        ? fpingEach(runner, grouped.map((u) => ({ ns: ns(pingOf(u[0]!).from), targets: u.map((i) => pingOf(i).to) })), DEADLINE_MS.reach, cpus).then((got) =>
            grouped.forEach((u, k) => u.forEach((i) => (results[i] = got[k]!.get(pingOf(i).to)!))),
          )
        : pool(grouped, cpus, run);
    await Promise.all([fpings, pool(single, concurrency, run)]);
  };
  const all = expectations.map((_, i) => i);
  const shouldFail = all.filter((i) => expectations[i]!.expect === 'fail');
  await Promise.all([
    pass(all.filter((i) => expectations[i]!.expect === 'reach'), fping),
    shouldFail.length === 0 ? undefined : settled().then(() => pass(shouldFail, false)),
  ]);
  const missed = all.filter((i) => expectations[i]!.expect === 'reach' && !results[i]!.reached);
  if (missed.length > 0) {
    await settled();
    await pass(missed, false);
  }
  return expectations.map((e, i) => judge(e, results[i]!));
}
