import { elkEngine, keepCompiledElk } from './elk-engine.js';
import type { Box, Bridge, Edge, Picture, Port } from './picture.js';

// Where everything in a Picture goes, decided by ELK's layered algorithm (elkjs): boxes
// placed in layers top-down (containers, hosts, the internet), bridges inside their host,
// interfaces as ports on their box, every edge routed orthogonally around the boxes. nslab
// sizes the leaf boxes from their text and pins their ports; ELK places and routes.

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly shapes: ReadonlyMap<string, Rect>;
  /** Each edge's route, bend by bend (its words are set beside it by the renderer). */
  readonly routes: ReadonlyMap<string, readonly Point[]>;
}

/** Interface labels are set in a monospace face at this size, so their width is known. */
export const FONT = 11;
export const CHAR = FONT * 0.6;
export const LINE = 14;
export const TITLE = 22;
const PAD = 8;
const textWidth = (lines: readonly string[]) => Math.max(0, ...lines.map((l) => l.length)) * CHAR;

interface ElkShape {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  layoutOptions?: Record<string, string>;
  labels?: ElkShape[];
}
interface ElkNode extends ElkShape {
  children?: ElkNode[];
  ports?: ElkShape[];
  edges?: ElkEdge[];
}
interface ElkEdge {
  id: string;
  sources: string[];
  targets: string[];
  sections?: { startPoint: Point; endPoint: Point; bendPoints?: Point[] }[];
}

/** Ports pinned along one side of a leaf box, each with its label above (or below) it. */
function pinned(ports: readonly Port[], side: 'SOUTH' | 'NORTH', y: number): { shapes: ElkShape[]; width: number } {
  let x = PAD;
  const shapes = ports.map((p) => {
    const w = Math.max(textWidth(p.label), 24);
    const shape = { id: p.id, x: x + w / 2 - 4, y: y - 4, width: 8, height: 8, layoutOptions: { 'elk.port.side': side } };
    x += w + 2 * PAD;
    return shape;
  });
  return { shapes, width: x - PAD };
}

/**
 * Which side of its box an interface sits on: an edge's first end at the bottom, its second
 * at the top (ELK places edges top-down), so a link runs straight between the two boxes. An
 * interface with no edge goes where the box's others are: a container's down, toward its host.
 */
function sideOf(p: Picture, b: Box, port: Port): 'SOUTH' | 'NORTH' {
  if (p.edges.some((e) => e.from === port.id)) return 'SOUTH';
  if (p.edges.some((e) => e.to === port.id)) return 'NORTH';
  return b.role === 'container' ? 'SOUTH' : 'NORTH';
}

const lines = (ports: readonly Port[]) => LINE * Math.max(0, ...ports.map((q) => q.label.length));

function leaf(p: Picture, b: Box): ElkNode {
  const title = `${b.node} (${b.ns ?? 'root namespace'})`;
  const north = b.ports.filter((q) => sideOf(p, b, q) === 'NORTH');
  const south = b.ports.filter((q) => sideOf(p, b, q) === 'SOUTH');
  // Top to bottom: the upper interfaces' words, the title and notes, the lower interfaces' words.
  const height = (north.length ? lines(north) + 4 : 0) + TITLE + LINE * b.notes.length + (south.length ? lines(south) : 0) + PAD + 4;
  const top = pinned(north, 'NORTH', 0);
  const bottom = pinned(south, 'SOUTH', height);
  return {
    id: b.id,
    width: Math.max(top.width, bottom.width, title.length * 7.2 + 2 * PAD, ...b.notes.map((n) => n.length * CHAR + 2 * PAD)),
    height,
    ports: [...top.shapes, ...bottom.shapes],
    layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
  };
}

/**
 * A bridge bar with its member interfaces along the top. Without an order, ELK picks one
 * that keeps veths from crossing; given the order it picked, the ports are pinned there,
 * spaced by their names (ELK does not space ports by label on an inner node).
 */
function bridgeNode(br: Bridge, order: readonly string[] | undefined): ElkNode {
  const head = [br.iface.name, ...br.iface.addresses].join('  ');
  const height = LINE * 2 + PAD + 4;
  // Two more, on the bottom: where MASQUERADE leaves for the uplink, where isolation is drawn.
  const out = { id: `${br.id}/out`, width: 8, height: 8, layoutOptions: { 'elk.port.side': 'SOUTH' } };
  const iso = { id: `${br.id}/iso`, width: 8, height: 8, layoutOptions: { 'elk.port.side': 'SOUTH' } };
  if (!order) {
    return {
      id: br.id,
      width: head.length * CHAR + 2 * PAD,
      height,
      ports: [...br.ports.map((p) => ({ id: p.id, width: 8, height: 8, layoutOptions: { 'elk.port.side': 'NORTH' } })), out, iso],
      layoutOptions: { 'elk.portConstraints': 'FIXED_SIDE' },
    };
  }
  const sorted = [...br.ports].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  const { shapes, width } = pinned(
    sorted.map((p) => ({ ...p, label: p.label.slice(0, 1) })),
    'NORTH',
    0,
  );
  const w = Math.max(width, head.length * CHAR + 2 * PAD);
  return { id: br.id, width: w, height, ports: [...shapes, { ...out, x: w / 3 - 4, y: height - 4 }, { ...iso, x: (2 * w) / 3 - 4, y: height - 4 }], layoutOptions: { 'elk.portConstraints': 'FIXED_POS' } };
}

function hostNode(b: Box, inside: readonly ElkNode[], order: Order): ElkNode {
  return {
    id: b.id,
    children: [...inside, ...b.bridges.map((br) => bridgeNode(br, order?.get(br.id)))],
    ports: b.ports.map((p) => ({
      id: p.id,
      width: 8,
      height: 8,
      layoutOptions: { 'elk.port.side': 'SOUTH' },
      labels: [{ id: `${p.id}/label`, width: textWidth(p.label), height: LINE * p.label.length }],
    })),
    layoutOptions: {
      'elk.portConstraints': 'FIXED_SIDE',
      // The host's own interfaces carry their words below them: spaced so those do not collide.
      'elk.spacing.portPort': String(Math.max(0, ...b.ports.map((p) => textWidth(p.label))) + 2 * PAD),
      // Room at the bottom for the MASQUERADE arrow's words.
      'elk.padding': `[top=${TITLE + LINE * b.notes.length + PAD},left=${PAD * 2},bottom=${PAD * 5},right=${PAD * 2}]`,
      'elk.portLabels.placement': 'OUTSIDE',
      'elk.nodeSize.constraints': 'PORTS PORT_LABELS MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${`${b.node} (${b.ns ?? 'root namespace'})`.length * 7.2 + 2 * PAD}, 60)`,
    },
  };
}

export const isHost = (b: Box) => b.bridges.length > 0 || b.role === 'host';

/** Masquerade edges leave by the bridge's bottom port; the rest by the port they name. */
const source = (e: Edge) => (e.kind === 'masquerade' ? `${e.from}/out` : e.kind === 'blocked' ? `${e.from}/iso` : e.from);
const target = (e: Edge) => (e.kind === 'blocked' ? `${e.to}/iso` : e.to);

/** Bridge id -> its port ids, left to right, as a first layout placed them. */
type Order = ReadonlyMap<string, readonly string[]> | undefined;

function elkGraph(p: Picture, order: Order): ElkNode {
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
      'elk.spacing.nodeNode': '30',
      'elk.layered.spacing.nodeNodeBetweenLayers': '50',
      'elk.spacing.edgeNode': '16',
      'elk.spacing.edgeEdge': '12',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.padding': '[top=44,left=20,bottom=20,right=20]',
    },
    children: p.boxes.filter((b) => !b.parent).map(function node(b: Box): ElkNode {
      return isHost(b) ? hostNode(b, p.boxes.filter((c) => c.parent === b.id).map(node), order) : leaf(p, b);
    }),
    edges: p.edges.map((e) => ({
      id: e.id,
      sources: [source(e)],
      targets: [target(e)],
    })),
  };
}

/**
 * ELK joins an edge that crosses into another host's box with one slanted run (in the gap
 * between layers); it is redrawn as an elbow through the middle of that gap.
 */
function orthogonal(points: readonly Point[]): Point[] {
  const out: Point[] = [];
  points.forEach((b, k) => {
    const a = points[k - 1];
    if (a && Math.abs(a.x - b.x) > 0.5 && Math.abs(a.y - b.y) > 0.5) {
      const mid = (a.y + b.y) / 2;
      out.push({ x: a.x, y: mid }, { x: b.x, y: mid });
    }
    out.push(b);
  });
  return out;
}

export async function layOut(p: Picture): Promise<Layout> {
  const engine = elkEngine();
  const first = await engine.layout(elkGraph(p, undefined));
  const order = new Map<string, string[]>();
  const portsOf = (n: ElkNode): void => {
    for (const c of n.children ?? []) {
      order.set(c.id, [...(c.ports ?? [])].sort((a, b) => a.x! - b.x!).map((q) => q.id));
      portsOf(c);
    }
  };
  portsOf(first);
  const out = await engine.layout(elkGraph(p, order));
  keepCompiledElk();
  const shapes = new Map<string, Rect>();
  const visit = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      shapes.set(c.id, { x: c.x!, y: c.y!, width: c.width!, height: c.height! });
      for (const port of c.ports ?? []) {
        shapes.set(port.id, { x: port.x!, y: port.y!, width: port.width!, height: port.height! });
        for (const l of port.labels ?? []) shapes.set(l.id, { x: l.x!, y: l.y!, width: l.width!, height: l.height! });
      }
      visit(c);
    }
  };
  visit(out);
  const routes = new Map<string, Point[]>();
  const edges: ElkEdge[] = [];
  const collect = (n: ElkNode) => {
    edges.push(...(n.edges ?? []));
    (n.children ?? []).forEach(collect);
  };
  collect(out);
  for (const e of edges) routes.set(e.id, orthogonal((e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint])));
  return { width: out.width!, height: out.height!, shapes, routes };
}
