import { NslabError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import { waitForLinks } from '../kernel/settle.js';
import type { Expectation, Outcome, Probe } from './expectation.js';
import { captureWhilePinging } from './probe-capture.js';
import { dnsLookup } from './probe-dns.js';
import { httpGet } from './probe-http.js';
import { outputMatches } from './probe-output.js';
import { vethPeer } from './probe-veth-peer.js';
import { ping, tcpWhoami, type ProbeResult } from './probes.js';

/** Maps a lab's node names to namespaces (undefined: the namespace nslab runs in). */
export type NodeResolver = (node: string) => string | undefined;

async function runProbe(runner: Runner, probe: Probe, ns: NodeResolver): Promise<ProbeResult> {
  switch (probe.kind) {
    case 'ping':
      return ping(runner, ns(probe.from), probe.to, probe.dev);
    case 'tcp':
    case 'source':
      return tcpWhoami(runner, ns(probe.from), ns(probe.server), probe.to, probe.port);
    case 'output':
      if (probe.after) await ping(runner, ns(probe.after.from), probe.after.to);
      return outputMatches(runner, ns(probe.node), probe.argv, probe.match);
    case 'veth-peer':
      return vethPeer(runner, ns(probe.node), probe.dev, ns(probe.peerNode), probe.peerDev);
    case 'http':
      return httpGet(runner, ns(probe.from), probe.to, probe.port, probe.body);
    case 'dns':
      return dnsLookup(runner, ns(probe.from), probe.name, probe.server);
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
    detail = `server saw ${r.detail}${pass ? '' : `, expected ${e.probe.source}`}`;
  }
  if (e.probe.kind === 'dns' && e.probe.answer !== undefined && r.reached) {
    pass = e.expect === 'reach' && r.detail === `${e.probe.name} -> ${e.probe.answer}`;
    if (!pass) detail = `${r.detail}, expected ${e.probe.answer}`;
  }
  return { title: e.title, expect: e.expect, reached: r.reached, pass, rttMs: r.rttMs, detail, kind: e.probe.kind };
}

/** Runs every expectation, `concurrency` at a time; results keep the expectations' order. */
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
  // Packets sent before the kernel has activated a new link are dropped: wait for it first.
  // Lab namespaces only: links in the root namespace are not the lab's to wait for.
  const settle = options.namespaces ?? expectations.flatMap((e) => probeNodes(e.probe).map(ns));
  await waitForLinks(runner, settle.filter((n): n is string => n !== undefined));
  const outcomes: Outcome[] = new Array(expectations.length);
  let next = 0;
  const worker = async () => {
    while (next < expectations.length) {
      const i = next++;
      const e = expectations[i]!;
      let r = await runProbe(runner, e.probe, ns);
      // One retry for probes that should reach: a lost first packet is not a broken network.
      if (!r.reached && e.expect === 'reach') r = await runProbe(runner, e.probe, ns);
      outcomes[i] = judge(e, r);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, expectations.length) }, worker));
  return outcomes;
}
