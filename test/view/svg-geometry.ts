// Reads back what an nslab SVG drew (boxes, bridges and routed edges, from their data-*
// attributes and geometry) so tests can check the picture against live state.

export interface Rect {
  readonly id: string;
  readonly parent: string | undefined;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface DrawnEdge {
  readonly id: string;
  readonly kind: string;
  readonly from: string;
  readonly to: string;
  readonly boxes: readonly string[];
  readonly points: readonly { x: number; y: number }[];
  readonly label: string;
}

const attr = (tag: string, name: string) => new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(tag)?.[1]?.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export function drawnShapes(svg: string): Rect[] {
  return [...svg.matchAll(/<rect [^>]*data-(?:box|bridge)="[^"]*"[^>]*\/>/g)].map(([tag]) => ({
    id: attr(tag, 'data-box') ?? attr(tag, 'data-bridge')!,
    parent: attr(tag, 'data-parent'),
    x: Number(attr(tag, 'x')),
    y: Number(attr(tag, 'y')),
    width: Number(attr(tag, 'width')),
    height: Number(attr(tag, 'height')),
  }));
}

export function drawnEdges(svg: string): DrawnEdge[] {
  return [...svg.matchAll(/<path ([^>]*data-edge="[^"]*"[^>]*)>(?:<title>([^<]*)<\/title>)?/g)].map(([, tag, title]) => ({
    id: attr(tag!, 'data-edge')!,
    kind: attr(tag!, 'data-kind')!,
    from: attr(tag!, 'data-from')!,
    to: attr(tag!, 'data-to')!,
    boxes: attr(tag!, 'data-boxes')!.split(' '),
    points: [...attr(tag!, 'd')!.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) })),
    label: title ?? '',
  }));
}

/** Whether the segment a-b runs through the inside of r (touching its border is not). */
function crosses(a: { x: number; y: number }, b: { x: number; y: number }, r: Rect): boolean {
  const inset = 2;
  const [x0, x1, y0, y1] = [r.x + inset, r.x + r.width - inset, r.y + inset, r.y + r.height - inset];
  // Liang-Barsky clipping of the segment against the shrunk rectangle.
  let [t0, t1] = [0, 1];
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  for (const [p, q] of [[-dx, a.x - x0], [dx, x1 - a.x], [-dy, a.y - y0], [dy, y1 - a.y]] as const) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
  }
  return true;
}

/** Edges that run through a box or bridge other than their own ends and what holds those. */
export function edgesThroughBoxes(svg: string): string[] {
  const shapes = drawnShapes(svg);
  const byId = new Map(shapes.map((s) => [s.id, s]));
  const withAncestors = (id: string): string[] => {
    const out: string[] = [];
    for (let cur = byId.get(id); cur; cur = cur.parent ? byId.get(cur.parent) : undefined) out.push(cur.id);
    return out;
  };
  const bad: string[] = [];
  for (const e of drawnEdges(svg)) {
    const own = new Set([...e.boxes.flatMap(withAncestors), ...shapes.filter((s) => e.from.startsWith(`${s.id}/`) || e.from === s.id || e.to.startsWith(`${s.id}/`) || e.to === s.id).flatMap((s) => withAncestors(s.id))]);
    for (const s of shapes) {
      if (own.has(s.id)) continue;
      for (let k = 1; k < e.points.length; k++) {
        if (crosses(e.points[k - 1]!, e.points[k]!, s)) {
          bad.push(`${e.id} (${e.label}) runs through ${s.id}`);
          break;
        }
      }
    }
  }
  return bad;
}
