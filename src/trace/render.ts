import type { Picture } from '../view/picture.js';
import { localize, tr } from '../text/i18n.js';
import type { Highlight } from '../view/diagram-svg.js';
import { renderTraceHop, type TraceHop } from './hops.js';
import type { TraceResult } from './trace.js';

const what = (r: TraceResult) => (r.protocol === 'icmp' ? tr`ICMP echo` : tr`${r.protocol.toUpperCase()} from port ${r.sourcePort} to port ${r.port}`);

export function renderTrace(r: TraceResult): string {
  const target = r.port === undefined ? r.to : r.to.includes(':') ? `[${r.to}]:${r.port}` : `${r.to}:${r.port}`;
  const out = [tr`trace ${r.from} -> ${target} (${what(r)}; every interface of every namespace captured)`, ''];
  out.push(tr`request:`, ...(r.request.length ? r.request.map(renderTraceHop) : [`  ${tr`(not seen on any interface: it never left ${r.from})`}`]));
  if (r.reply.length) out.push('', tr`reply:`, ...r.reply.map(renderTraceHop));
  out.push('');
  if (r.lost) {
    const seen = r.lost.lastSeen;
    const where = seen ? tr`hop ${seen.n}, ${seen.node} ${seen.iface} ${seen.direction}` : tr`${r.from}, before any interface`;
    out.push(tr`LOST: last seen at ${where}; it should have appeared next at ${r.lost.next ?? tr`(unknown)`}.`);
    for (const d of r.lost.droppedBy) out.push(tr`dropped by ${localize(d)}`);
    if (r.lost.reason) out.push(tr`why: ${r.lost.reason.at}: ${localize(r.lost.reason.what)}`, ...(r.lost.reason.fix ? [tr`fix: ${localize(r.lost.reason.fix)}`] : []));
    else out.push(tr`why: finds nothing wrong in what it models (routes, forwarding, links, iptables); see \`nslab why\` and the captures above`);
  } else {
    const back = r.reply.length ? tr`the reply came back in ${r.reply.length} hops` : tr`no reply was seen`;
    out.push(tr`arrived at ${r.arrivedAt ?? r.to}; ${back}. Probe: ${r.probe.reached ? tr`answered` : tr`not answered`} (${localize(r.probe.detail)}).`);
  }
  const rewrites = [...r.request, ...r.reply].filter((h) => h.rewrite);
  if (rewrites.length) out.push(tr`rewrites attributed by ${r.attribution === 'rule counters (iptables-save -c before and after)' ? tr`rule counters (iptables-save -c before and after)` : r.attribution}.`);
  return `${out.join('\n')}\n`;
}

/** The edges of the lab picture the hops crossed, each with its hop numbers. */
export function traceHighlight(p: Picture, hops: readonly TraceHop[]): Highlight {
  const nsOf = new Map(p.boxes.flatMap((b) => b.nodes.map((n) => [n, b.id] as const)));
  const edges = new Map<string, number[]>();
  for (const h of hops) {
    const box = nsOf.get(h.node);
    if (!box) continue;
    const onIface = (id: string) => id.startsWith(`${box}/`) && id.endsWith(`/${h.iface}`);
    const bridge = `${box}/bridge:${h.iface}`;
    const edge = p.edges.find((e) => e.kind !== 'blocked' && e.kind !== 'masquerade' && (onIface(e.from) || onIface(e.to))) ?? p.edges.find((e) => e.kind === 'masquerade' && e.from === bridge);
    if (edge) edges.set(edge.id, [...(edges.get(edge.id) ?? []), h.n]);
  }
  return { edges };
}
