import { tr } from '../text/i18n.js';
import type { CountedRule, Ruleset } from '../kernel/iptables-save.js';
import type { Captured } from './captured.js';

// The probe's packets, as the captures saw them, put in order: the request's hops, then the
// reply's, each rewrite named and pinned on the rule that made it.

export interface Rewrite {
  /** MASQUERADE, SNAT, DNAT; for the reply, conntrack undoing one of them. */
  readonly kind: string;
  /** "src 172.17.0.2 -> 198.51.100.2" */
  readonly change: string;
  /** "nat POSTROUTING, rule 1", when a rule could be named. */
  readonly rule: string | undefined;
  /** How the rule was found. */
  readonly by: 'rule counters' | 'conntrack' | 'unattributed';
}

export interface TraceHop {
  readonly n: number;
  readonly node: string;
  readonly iface: string;
  readonly direction: 'in' | 'out';
  readonly src: string;
  readonly dst: string;
  readonly sport: number | undefined;
  readonly dport: number | undefined;
  readonly what: string;
  /** Milliseconds after the first packet of the trace. */
  readonly ms: number;
  readonly rewrite: Rewrite | undefined;
}

// An IPv6 address with a port is bracketed, as in a URL: [fd00::2]:80.
const at = (address: string, port: number | undefined) => (port === undefined ? address : address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);

/** The rules whose packet counter rose between two readings of one namespace, with their place in their chain. */
export function risen(before: Ruleset | undefined, after: Ruleset | undefined): { rule: CountedRule; index: number; rose: number }[] {
  if (!after) return [];
  const key = (r: CountedRule) => `${r.table} ${r.chain} ${r.spec.join(' ')}`;
  const was = new Map((before?.rules ?? []).map((r) => [key(r), r.packets]));
  return after.rules
    .map((rule) => ({ rule, index: after.rules.filter((r) => r.table === rule.table && r.chain === rule.chain).indexOf(rule) + 1, rose: rule.packets - (was.get(key(rule)) ?? 0) }))
    .filter((r) => r.rose > 0);
}

const fired = (before: Ruleset | undefined, after: Ruleset | undefined, targets: readonly string[]) =>
  risen(before, after).filter(({ rule }) => rule.table === 'nat' && targets.includes(rule.target ?? ''));

function rewriteOf(prev: Captured, cur: Captured, reply: boolean, counters: { before: Ruleset | undefined; after: Ruleset | undefined }): Rewrite | undefined {
  // A SYN whose MSS option shrank on the way: a TCPMSS rule (clamping) in the mangle table.
  if (prev.mss !== undefined && cur.mss !== undefined && prev.mss !== cur.mss) {
    const hit = risen(counters.before, counters.after).find(({ rule }) => rule.table === 'mangle' && rule.target === 'TCPMSS');
    return { kind: 'TCPMSS', change: `mss ${prev.mss} -> ${cur.mss}`, rule: hit ? `mangle ${hit.rule.chain}, rule ${hit.index}` : undefined, by: hit ? 'rule counters' : 'unattributed' };
  }
  const srcChanged = prev.src !== cur.src || prev.sport !== cur.sport;
  const dstChanged = prev.dst !== cur.dst || prev.dport !== cur.dport;
  if (!srcChanged && !dstChanged) return undefined;
  const change = [
    ...(srcChanged ? [`src ${at(prev.src, prev.sport)} -> ${at(cur.src, cur.sport)}`] : []),
    ...(dstChanged ? [`dst ${at(prev.dst, prev.dport)} -> ${at(cur.dst, cur.dport)}`] : []),
  ].join(', ');
  // A reply is rewritten by conntrack, undoing what the request's rule did: no rule fires.
  if (reply) return { kind: srcChanged ? 'un-DNAT' : 'un-SNAT', change, rule: undefined, by: 'conntrack' };
  const found = fired(counters.before, counters.after, srcChanged ? ['MASQUERADE', 'SNAT'] : ['DNAT']);
  const hit = found[0];
  return {
    kind: hit?.rule.target ?? (srcChanged ? 'SNAT' : 'DNAT'),
    change,
    rule: hit ? `nat ${hit.rule.chain}, rule ${hit.index}` : undefined,
    by: hit ? 'rule counters' : 'unattributed',
  };
}

/**
 * Packets sorted by time, with ties put in the order packets can travel. Two captures can
 * stamp the same instant (a veth's far end receives within a microsecond of its near end
 * sending), and a sort by time alone then keeps the captures' order: a reply seemed to end
 * on the host's veth after it had reached the container. A packet passes from one
 * namespace to another only by leaving one and entering the other, so at the same instant
 * in two namespaces, the one that went out came first. Within one capture, tcpdump's order
 * is the kernel's and is kept.
 */
export function byTime(packets: readonly Captured[]): Captured[] {
  const sorted = [...packets].sort((a, b) => a.time - b.time);
  for (let pass = 0, moved = true; moved && pass < sorted.length; pass++) {
    moved = false;
    for (let k = 0; k + 1 < sorted.length; k++) {
      const [a, b] = [sorted[k]!, sorted[k + 1]!];
      if (a.time === b.time && a.node !== b.node && a.direction === 'in' && b.direction === 'out') {
        [sorted[k], sorted[k + 1]] = [b, a];
        moved = true;
      }
    }
  }
  return sorted;
}

export interface Ordered {
  readonly request: TraceHop[];
  readonly reply: TraceHop[];
}

/**
 * Orders the probe's packets by the kernel's timestamps (one clock for every namespace; ties
 * as byTime puts them) and numbers them, request first. `isRequest` tells the two directions apart; counters are the
 * nat tables of each namespace read before and after the probe.
 */
export function orderHops(
  packets: readonly Captured[],
  isRequest: (p: Captured) => boolean,
  counters: ReadonlyMap<string, { before: Ruleset | undefined; after: Ruleset | undefined }>,
  sent?: { readonly dst: string; readonly dport: number | undefined },
): Ordered {
  const sorted = byTime(packets);
  const t0 = sorted[0]?.time ?? 0;
  // What a hop is compared with: the hop before it wrapped the same way (a VXLAN frame's
  // outer header is not a rewrite of the inner packet); the first request hop, with what the
  // probe sent (a rewrite in the sender's own OUTPUT chain is already done when it is captured).
  const before = (list: readonly Captured[], k: number, reply: boolean): Captured | undefined => {
    for (let j = k - 1; j >= 0; j--) if (Boolean(list[j]!.vxlan) === Boolean(list[k]!.vxlan)) return list[j];
    return !reply && k === 0 && sent ? { ...list[0]!, dst: sent.dst, dport: sent.dport } : undefined;
  };
  const build = (list: readonly Captured[], reply: boolean, from: number): TraceHop[] =>
    list.map((p, k) => ({
      n: from + k,
      node: p.node,
      iface: p.iface,
      direction: p.direction,
      src: p.src,
      dst: p.dst,
      sport: p.sport,
      dport: p.dport,
      what: p.mss === undefined ? p.what : `${p.what}, mss ${p.mss}`,
      ms: Math.round((p.time - t0) * 1e6) / 1e3,
      rewrite: ((prev) => (prev ? rewriteOf(prev, p, reply, counters.get(p.node) ?? { before: undefined, after: undefined }) : undefined))(before(list, k, reply)),
    }));
  const request = build(sorted.filter(isRequest), false, 1);
  return { request, reply: build(sorted.filter((p) => !isRequest(p)), true, request.length + 1) };
}

export function renderTraceHop(h: TraceHop): string {
  const head = `${String(h.n).padStart(3)}. ${`${h.node} ${h.iface} ${h.direction}`.padEnd(26)} ${at(h.src, h.sport)} > ${at(h.dst, h.dport)}  ${h.what}  (+${h.ms.toFixed(3)} ms)`;
  if (!h.rewrite) return head;
  const r = h.rewrite;
  const why = r.by === 'conntrack' ? ` (${tr`conntrack, reversing the request's NAT`})` : r.rule ? ` (${r.rule})` : ` (${tr`no nat rule counter rose: not attributed`})`;
  return `${head}\n       ${r.kind}: ${r.change}${why}`;
}
