import { matchVethPairs, type NamespaceState, type VethEnd } from '../kernel/snapshot.js';
import type { Picture } from './picture.js';

/** The terminal picture never runs wider than this. */
export const TEXT_COLUMNS = 100;

/** A line too wide for the page, broken at spaces, continued lines indented. */
function wrap(line: string, room: number): string[] {
  if (line.length <= room) return [line];
  const out: string[] = [];
  let rest = line;
  while (rest.length > room) {
    const cut = rest.lastIndexOf(' ', room);
    const at = cut > room / 3 ? cut : room;
    out.push(rest.slice(0, at).trimEnd());
    rest = `    ${rest.slice(at).trimStart()}`;
  }
  return [...out, rest];
}

function box(title: string, raw: readonly string[], width: number): string[] {
  const lines = raw.flatMap((l) => wrap(l, TEXT_COLUMNS - 4));
  const inner = Math.max(width - 4, title.length + 2, ...lines.map((l) => l.length));
  return [
    `┌─ ${title} ${'─'.repeat(inner - title.length - 1)}┐`,
    ...lines.map((l) => `│ ${l.padEnd(inner)} │`),
    `└${'─'.repeat(inner + 2)}┘`,
  ];
}

function ifaceLine(i: { name: string; kind: string; up: boolean; addresses: readonly string[] }): string {
  const kind = i.kind === 'device' ? '' : ` ${i.kind}`;
  return `${i.name}${kind}  ${i.addresses.join(' ') || '-'}${i.up ? '' : '  DOWN'}`;
}

/** Nodes sharing one namespace (host mode, container:<name>) are drawn as one box. */
interface Group {
  readonly names: readonly string[];
  readonly state: NamespaceState;
  readonly role: string;
}

const RANK: Readonly<Record<string, number>> = { host: 0, wan: 1, container: 2 };

function groupByNamespace(states: readonly NamespaceState[], roles: Readonly<Record<string, string>>): Group[] {
  const byNs = new Map<string, { names: string[]; state: NamespaceState; role: string }>();
  for (const s of states) {
    const key = s.ns ?? '';
    const role = roles[s.node] ?? 'container';
    const g = byNs.get(key);
    if (!g) byNs.set(key, { names: [s.node], state: s, role });
    else {
      g.names.push(s.node);
      if ((RANK[role] ?? 3) < (RANK[g.role] ?? 3)) g.role = role;
    }
  }
  return [...byNs.values()];
}

function visible(s: NamespaceState) {
  const shown = s.interfaces
    .map((i) => ({ ...i, addresses: i.addresses.filter((a) => !a.startsWith('127.')) }))
    .filter((i) => i.name !== 'lo' || i.addresses.length > 0);
  // A namespace with nothing but loopback is drawn with it, so the box is not empty.
  return shown.length > 0 ? shown : s.interfaces.map((i) => ({ ...i, addresses: i.addresses.filter((a) => a.includes('.')) }));
}

const title = (g: Group) => `${g.names.join(', ')} (${g.state.ns ?? 'root namespace'})`;

/** The veth pairs between two groups, each as [end in a, end in b]. */
function links(a: Group, b: Group, pairs: readonly [VethEnd, VethEnd][]): [VethEnd, VethEnd][] {
  const out: [VethEnd, VethEnd][] = [];
  for (const [x, y] of pairs) {
    if (x.node === a.state.node && y.node === b.state.node) out.push([x, y]);
    else if (y.node === a.state.node && x.node === b.state.node) out.push([y, x]);
  }
  return out;
}

/** How a container without a veth to a host is wired (a macvlan child); none when it has no network. */
function unwired(g: Group, mid: string): string[] {
  const first = visible(g.state).find((i) => i.name !== 'lo');
  return first ? [`${mid}│`, `${mid}│ (${first.name} is a ${first.kind}, no veth)`] : [];
}

/** Column indexes grouped into rows no wider than TEXT_COLUMNS. */
function rowsOf(widths: readonly number[]): number[][] {
  const rows: number[][] = [];
  let used = TEXT_COLUMNS;
  widths.forEach((w, i) => {
    if (used + 2 + w > TEXT_COLUMNS) {
      rows.push([]);
      used = -2;
    }
    rows[rows.length - 1]!.push(i);
    used += 2 + w;
  });
  return rows;
}

const nodeOf = (p: Picture, id: string) => p.boxes.find((b) => id === b.id || id.startsWith(`${b.id}/`))?.node ?? id;
const ifName = (id: string) => id.slice(id.lastIndexOf('/') + 1).replace(/^bridge:/, '');

/**
 * What the host does and what the boxes cannot show: MASQUERADE to the uplink, published
 * ports, isolation between bridges, tunnels, macvlan parents, the embedded DNS. The same
 * facts the SVG draws, from the same Picture.
 */
export function renderFacts(p: Picture): string {
  const out: string[] = [];
  for (const e of p.edges) {
    const [a, b] = [`${nodeOf(p, e.from)} ${ifName(e.from)}`, `${nodeOf(p, e.to)} ${ifName(e.to)}`];
    if (e.kind === 'masquerade') out.push(`${a} -> ${ifName(e.to)}: ${e.label}`);
    else if (e.kind === 'blocked') out.push(`${a} x ${ifName(e.to)}: ${e.label}`);
    else if (e.kind === 'tunnel') out.push(`${a} <-> ${b}: ${e.label}`);
    else if (e.kind === 'macvlan') out.push(`${a}: ${e.label} (${nodeOf(p, e.to)})`);
  }
  for (const [port, list] of p.published) for (const l of list) out.push(`${nodeOf(p, port)} ${ifName(port)}: published ${l}`);
  for (const b of p.boxes) for (const n of b.notes) out.push(`${b.node}: ${n}`);
  return out.length ? `\n${out.map((l) => `  ${l}`.slice(0, TEXT_COLUMNS)).join('\n')}\n` : '';
}

/**
 * A picture of a lab's live topology in the style of the articles' docker0 drawings: for
 * each docker host, its containers on top, each wired by its veth pair(s) to the host's
 * bridges; then whatever the hosts link to (the internet, another host, a remote network),
 * each under a line naming the veth pair between them.
 */
export function renderTopology(states: readonly NamespaceState[], roles: Readonly<Record<string, string>>, facts?: Picture): string {
  const groups = groupByNamespace(states, roles);
  const pairs = matchVethPairs(groups.map((g) => g.state));
  const hosts = groups.filter((g) => g.role === 'host');
  const containers = groups.filter((g) => g.role === 'container');
  const width = 30;
  const out: string[] = [];
  const drawn: Group[] = [];

  const linkLine = (g: Group) => {
    for (const d of drawn) {
      const [first] = links(d, g, pairs);
      if (first) return `  │ ${first[0].iface.name} (${d.names[0]}) <-> ${first[1].iface.name} (${g.names[0]})`;
    }
    return undefined;
  };

  // A container belongs to the host its veth leads to; one with no veth, to the first host.
  const hostOf = (c: Group) => hosts.find((h) => links(c, h, pairs).length > 0) ?? hosts[0];

  for (const host of hosts) {
    const link = linkLine(host);
    if (link) out.push(link);
    const columns = containers
      .filter((c) => hostOf(c) === host)
      .map((c) => {
        const b = box(title(c), visible(c.state).map(ifaceLine), width);
        const mid = ' '.repeat(Math.floor(b[0]!.length / 2));
        const wires = links(c, host, pairs).map(([, h]) => `${mid}│ ${h.iface.name}${h.iface.master ? ` @${h.iface.master}` : ''}`);
        return [...b, ...(wires.length > 0 ? [`${mid}│`, ...wires] : unwired(c, mid))];
      });
    const colWidths = columns.map((col) => Math.max(...col.map((l) => l.length)));
    // Containers side by side, as many to a row as fit in TEXT_COLUMNS.
    for (const row of rowsOf(colWidths)) {
      const height = Math.max(0, ...row.map((i) => columns[i]!.length));
      for (let line = 0; line < height; line++) out.push(row.map((i) => (columns[i]![line] ?? '').padEnd(colWidths[i]!)).join('  ').trimEnd());
    }
    const lines = visible(host.state)
      .filter((i) => i.kind !== 'veth' || !i.master)
      .map((i) => {
        if (i.kind !== 'bridge') return ifaceLine(i);
        const ports = host.state.interfaces.filter((p) => p.master === i.name).map((p) => p.name);
        return `${ifaceLine(i)}  ports: ${ports.join(', ') || 'none'}`;
      });
    out.push(...box(title(host), lines, Math.min(TEXT_COLUMNS - 4, Math.max(width, ...rowsOf(colWidths).map((r) => r.reduce((a, i) => a + colWidths[i]! + 2, -2))))));
    drawn.push(host);
  }
  if (hosts.length === 0) {
    for (const c of containers) out.push(...box(title(c), visible(c.state).map(ifaceLine), width));
    // No host: the veth pairs between containers are the whole picture.
    for (const [a, b] of pairs) out.push(`  ${a.node} ${a.iface.name} <-> ${b.iface.name} ${b.node}`);
  }
  for (const o of groups.filter((g) => g.role !== 'host' && g.role !== 'container')) {
    const link = linkLine(o);
    if (hosts.length > 0) out.push(link ?? '  │ (not linked by a veth)');
    out.push(...box(title(o), visible(o.state).map(ifaceLine), width));
    drawn.push(o);
  }
  return `${out.join('\n')}\n${facts ? renderFacts(facts) : ''}`;
}
