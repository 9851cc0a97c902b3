import type { Box, Edge, EdgeKind, Picture, Port } from './picture.js';
import { localize, tr } from '../text/i18n.js';
import { displayWidth } from '../text/width.js';
import { CHAR, FONT, LINE, isHost, type Layout, type Point, type Rect } from './layout.js';

// Draws a laid-out Picture as SVG. Styling is nslab's, geometry is ELK's: nothing here
// decides where a box goes or how an edge bends.

/** A path to draw over the picture (trace): edges by id, each with its hop numbers. */
export interface Highlight {
  readonly edges: ReadonlyMap<string, readonly number[]>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const MONO = 'DejaVu Sans Mono, Menlo, Consolas, monospace';
const text = (x: number, y: number, s: string, o: { size?: number; anchor?: string; weight?: string; fill?: string; mono?: boolean } = {}) =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${o.size ?? FONT}" text-anchor="${o.anchor ?? 'middle'}"${o.weight ? ` font-weight="${o.weight}"` : ''}${o.mono ? ` font-family="${MONO}"` : ''} fill="${o.fill ?? '#222'}">${esc(s)}</text>`;
const rect = (r: Rect, fill: string, stroke: string, extra = '') =>
  `<rect x="${r.x.toFixed(1)}" y="${r.y.toFixed(1)}" width="${r.width.toFixed(1)}" height="${r.height.toFixed(1)}" rx="6" fill="${fill}" stroke="${stroke}" stroke-width="1.5"${extra}/>`;

const BOX_STYLE: Record<Box['role'], { fill: string; stroke: string; dash?: string }> = {
  container: { fill: '#e3f0fb', stroke: '#3b7dc4' },
  host: { fill: '#fafafa', stroke: '#888', dash: '6 4' },
  wan: { fill: '#e5f5e0', stroke: '#41a05a' },
};

const EDGE_STYLE: Record<EdgeKind, { stroke: string; width: number; dash?: string; label: string }> = {
  veth: { stroke: '#555', width: 2, label: '#555' },
  underlay: { stroke: '#777', width: 4, label: '#555' },
  macvlan: { stroke: '#8a4fbf', width: 2, label: '#8a4fbf' },
  tunnel: { stroke: '#2b6cb0', width: 2.5, dash: '8 5', label: '#2b6cb0' },
  masquerade: { stroke: '#2f8f46', width: 2, dash: '3 3', label: '#2f8f46' },
  blocked: { stroke: '#c33', width: 2, dash: '2 4', label: '#c33' },
};

function portLabel(out: string[], p: Port, at: Rect, where: 'above' | 'below'): void {
  const cx = at.x + at.width / 2;
  p.label.forEach((l, k) => {
    const y = where === 'above' ? at.y - 4 - LINE * (p.label.length - 1 - k) : at.y + at.height + LINE * (k + 1) - 2;
    out.push(text(cx, y, l, { mono: true, fill: p.iface.up ? '#222' : '#c33', weight: k === 0 ? 'bold' : undefined }));
  });
}

/** A host's interface has its words beside it, not under it: the edge leaving it runs straight down. */
function hostPortWords(l: Layout, p: Port): Rect {
  const at = l.shapes.get(p.id)!;
  const lab = l.shapes.get(`${p.id}/label`);
  return { x: at.x + at.width + 4, y: lab?.y ?? at.y + at.height, width: lab?.width ?? p.label[0]!.length * CHAR, height: LINE * p.label.length };
}

function drawBox(out: string[], b: Box, l: Layout): void {
  const r = l.shapes.get(b.id)!;
  const style = BOX_STYLE[b.role];
  const parent = b.parent ? ` data-parent="${esc(b.parent)}"` : '';
  out.push(rect(r, style.fill, style.stroke, `${style.dash ? ` stroke-dasharray="${style.dash}"` : ''} data-box="${esc(b.id)}"${parent}`));
  const compound = isHost(b);
  // Interfaces on the top edge have their words below them, above the title; those on the
  // bottom edge, above them.
  const onTop = (p: Port) => l.shapes.get(p.id)!.y < r.y + r.height / 2;
  const upper = b.ports.filter(onTop);
  const titleY = r.y + 16 + (compound || upper.length === 0 ? 0 : LINE * Math.max(...upper.map((p) => p.label.length)) + 4);
  out.push(text(r.x + 8, titleY, `${b.node} (${b.ns ?? tr`root namespace`})`, { anchor: 'start', weight: 'bold', fill: compound ? '#555' : '#222', size: 12 }));
  b.notes.forEach((n, k) => out.push(text(r.x + 8, titleY + LINE * (k + 1), n, { anchor: 'start', mono: true, fill: '#2b6cb0' })));
  for (const p of b.ports) {
    const at = l.shapes.get(p.id)!;
    out.push(rect(at, p.iface.up ? '#666' : '#c33', 'none'));
    if (compound) {
      const where = hostPortWords(l, p);
      p.label.forEach((s, k) => out.push(text(where.x, where.y + LINE * (k + 1) - 3, s, { mono: true, anchor: 'start', weight: k === 0 ? 'bold' : undefined, fill: p.iface.up ? '#222' : '#c33' })));
    } else portLabel(out, p, at, onTop(p) ? 'below' : 'above');
  }
  for (const br of b.bridges) {
    const bar = l.shapes.get(br.id)!;
    out.push(rect(bar, '#fde9d2', br.iface.up ? '#d9822b' : '#c33', ` data-bridge="${esc(br.id)}" data-parent="${esc(b.id)}"`));
    out.push(text(bar.x + bar.width / 2, bar.y + bar.height - 8, [br.iface.name, ...br.iface.addresses, ...(br.iface.up ? [] : ['DOWN'])].join('  '), { weight: 'bold', mono: true }));
    for (const p of br.ports) {
      const at = l.shapes.get(p.id)!;
      const lab = l.shapes.get(`${p.id}/label`) ?? { x: at.x, y: at.y + at.height, width: at.width, height: LINE };
      out.push(rect(at, p.iface.up ? '#666' : '#c33', 'none'), text(lab.x + lab.width / 2, lab.y + lab.height - 2, p.label[0]!, { mono: true, size: FONT - 1, fill: p.iface.up ? '#555' : '#c33' }));
    }
  }
}

const path = (pts: readonly Point[]) => pts.map((p, k) => `${k ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');

/** What the edges drawn so far have set: their words (for the picture's extent), what words must not cover, what was said where. */
interface Words {
  readonly said: Rect[];
  readonly solid: Rect[];
  readonly spoken: Set<string>;
}

function drawEdge(out: string[], e: Edge, l: Layout, hops: readonly number[] | undefined, words: Words): void {
  const { said, solid } = words;
  const points = l.routes.get(e.id);
  if (!points || points.length < 2) return;
  const s = EDGE_STYLE[e.kind];
  const stroke = hops ? '#e07b00' : s.stroke;
  const attrs = `data-edge="${esc(e.id)}" data-kind="${e.kind}" data-from="${esc(e.from)}" data-to="${esc(e.to)}" data-boxes="${esc(e.boxes.join(' '))}"${hops ? ` data-hops="${hops.join(' ')}"` : ''}`;
  const arrow = e.kind === 'masquerade' || hops ? ' marker-end="url(#arrow)"' : '';
  out.push(
    `<path ${attrs} d="${path(points)}" fill="none" stroke="${stroke}" stroke-width="${hops ? s.width + 2 : s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}${arrow}><title>${esc(e.label)}</title></path>`,
  );
  // Edges that end at one place with the same words (macvlan children of one parent) say them once.
  const key = e.kind === 'macvlan' ? `${e.to} ${e.label}` : e.id;
  const label = localize(e.label);
  const at = e.kind === 'veth' || words.spoken.has(key) ? undefined : beside(points, label, solid);
  if (at) said.push(at), solid.push(at), words.spoken.add(key);
  if (at) out.push(`<rect x="${at.x.toFixed(1)}" y="${at.y.toFixed(1)}" width="${at.width.toFixed(1)}" height="${at.height.toFixed(1)}" fill="white" opacity="0.85"/>`, text(at.x + at.width / 2, at.y + at.height - 3, label, { size: FONT - 1, fill: s.label }));
  if (hops) {
    // The hop numbers ride on the edge, in a pill at the middle of its longest run.
    const [p, q] = longestRun(points);
    const words = hops.join(', ');
    const w = words.length * 6.2 + 10;
    // Along the run, where it covers no words already set.
    const spots = [0.5, 0.3, 0.7, 0.15, 0.85].map((f) => ({ x: p.x + (q.x - p.x) * f, y: p.y + (q.y - p.y) * f }));
    const mid = spots.find((c) => !solid.some((o) => overlaps(o, { x: c.x - w / 2, y: c.y - 8, width: w, height: 16 }))) ?? spots[0]!;
    out.push(`<rect x="${(mid.x - w / 2).toFixed(1)}" y="${(mid.y - 8).toFixed(1)}" width="${w.toFixed(1)}" height="16" rx="8" fill="#e07b00"/>`, text(mid.x, mid.y + 4, words, { size: 10, fill: 'white', weight: 'bold' }));
  }
}

function longestRun(points: readonly Point[]): [Point, Point] {
  let best: [Point, Point] = [points[0]!, points[1]!];
  const len = ([a, b]: [Point, Point]) => Math.abs(a.x - b.x) + Math.abs(a.y - b.y);
  for (let k = 2; k < points.length; k++) if (len([points[k - 1]!, points[k]!]) > len(best)) best = [points[k - 1]!, points[k]!];
  return best;
}

const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * Where an edge's words go: beside one of its vertical runs, the longest first, right then
 * left, at the first place that covers no box, bridge or words already set.
 */
function beside(points: readonly Point[], words: string, solid: readonly Rect[]): Rect | undefined {
  const runs: [Point, Point][] = [];
  for (let k = 1; k < points.length; k++) if (Math.abs(points[k - 1]!.x - points[k]!.x) < 1) runs.push([points[k - 1]!, points[k]!]);
  runs.sort((a, b) => Math.abs(b[0].y - b[1].y) - Math.abs(a[0].y - a[1].y));
  const width = displayWidth(words) * CHAR * 0.9;
  let first: Rect | undefined;
  for (const [a, b] of runs) {
    for (const frac of [0.5, 0.25, 0.75]) {
      const y = a.y + (b.y - a.y) * frac - LINE / 2;
      for (const x of [a.x + 6, a.x - 6 - width]) {
        const r = { x, y, width, height: LINE };
        first ??= r;
        if (!solid.some((o) => overlaps(o, r))) return r;
      }
    }
  }
  return first;
}

export function renderSvg(picture: Picture, layout: Layout, heading: string, highlight?: Highlight): string {
  const body: string[] = [];
  // Hosts first, so the boxes and bridges inside them are drawn on top.
  const order = [...picture.boxes].sort((a, b) => Number(isHost(b)) - Number(isHost(a)));
  for (const b of order) drawBox(body, b, layout);
  const said: Rect[] = [];
  // What words must not cover: leaf boxes, bridges, and the words under a host's ports.
  const solid = picture.boxes.flatMap((b) => [
    ...(isHost(b) ? [] : [layout.shapes.get(b.id)!]),
    ...b.bridges.map((br) => layout.shapes.get(br.id)!),
    ...(isHost(b) ? b.ports.map((p) => hostPortWords(layout, p)) : []),
  ]);
  const words: Words = { said, solid, spoken: new Set() };
  for (const e of picture.edges) drawEdge(body, e, layout, highlight?.edges.get(e.id), words);
  // Words set beside an edge or a host's interface may reach past what ELK laid out.
  const width = Math.ceil(Math.max(layout.width, displayWidth(heading) * 8.5 + 40, ...[...said, ...solid].map((r) => r.x + r.width + 12)));
  const height = Math.ceil(Math.max(layout.height, ...[...said, ...solid].map((r) => r.y + r.height + 12)));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>
<rect width="100%" height="100%" fill="white"/>
${text(20, 28, heading, { anchor: 'start', size: 15, weight: 'bold' })}
${body.join('\n')}
</svg>
`;
}

