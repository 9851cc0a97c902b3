import type { Picture } from '../view/picture.js';
import type { Highlight } from '../view/diagram-svg.js';
import { renderTraceHop, type TraceHop } from './hops.js';
import type { TraceResult } from './trace.js';

const what = (r: TraceResult) => (r.protocol === 'icmp' ? `ICMP echo` : `${r.protocol.toUpperCase()} from port ${r.sourcePort} to port ${r.port}`);

export function renderTrace(r: TraceResult): string {
  const out = [`trace ${r.from} -> ${r.port === undefined ? r.to : r.to.includes(':') ? `[${r.to}]:${r.port}` : `${r.to}:${r.port}`} (${what(r)}; every interface of every namespace captured)`, ''];
  out.push('request:', ...(r.request.length ? r.request.map(renderTraceHop) : [`  (not seen on any interface: it never left ${r.from})`]));
  if (r.reply.length) out.push('', 'reply:', ...r.reply.map(renderTraceHop));
  out.push('');
  if (r.lost) {
    const seen = r.lost.lastSeen;
    out.push(`LOST: last seen at ${seen ? `hop ${seen.n}, ${seen.node} ${seen.iface} ${seen.direction}` : `${r.from}, before any interface`}; it should have appeared next at ${r.lost.next ?? '(unknown)'}.`);
    for (const d of r.lost.droppedBy) out.push(`dropped by ${d}`);
    if (r.lost.reason) out.push(`why: ${r.lost.reason.at}: ${r.lost.reason.what}`, ...(r.lost.reason.fix ? [`fix: ${r.lost.reason.fix}`] : []));
    else out.push("why: finds nothing wrong in what it models (routes, forwarding, links, iptables); see `nslab why` and the captures above");
  } else out.push(`arrived at ${r.arrivedAt ?? r.to}; ${r.reply.length ? `the reply came back in ${r.reply.length} hops` : 'no reply was seen'}. Probe: ${r.probe.reached ? 'answered' : 'not answered'} (${r.probe.detail}).`);
  const rewrites = [...r.request, ...r.reply].filter((h) => h.rewrite);
  if (rewrites.length) out.push(`rewrites attributed by ${r.attribution}.`);
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
