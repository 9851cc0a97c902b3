import { localize, tr } from '../text/i18n.js';
import type { Interface } from '../kernel/ip-json.js';
import { shownAddresses, type Box, type Edge, type Picture } from './picture.js';

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

/** A box as the text draws it: nodes sharing one namespace are one box (the Picture's). */
interface Group {
  readonly names: readonly string[];
  readonly box: Box;
  readonly role: string;
}

const groupsOf = (p: Picture): Group[] => p.boxes.map((box) => ({ names: box.nodes, box, role: box.role }));

type Shown = Pick<Interface, 'name' | 'kind' | 'up' | 'addresses' | 'master'>;

const withoutLoopbackAddresses = (i: Interface): Shown => ({ ...i, addresses: shownAddresses(i) });

/** A container's interfaces as the box shows them; a namespace with nothing but loopback is drawn with it, so the box is not empty. */
function visible(b: Box): Shown[] {
  const shown = b.ports.map((p) => withoutLoopbackAddresses(p.iface));
  return shown.length > 0 || !b.loopback ? shown : [{ ...b.loopback, addresses: b.loopback.addresses.filter((a) => a.includes('.')) }];
}

/** A host's interfaces in the kernel's order: its own, its bridges, and what is enslaved to a bridge but is not a veth (an overlay's vxlan0). */
function hostInterfaces(b: Box): Shown[] {
  const all = [...b.ports.map((p) => p.iface), ...b.bridges.flatMap((br) => [br.iface, ...br.ports.map((p) => p.iface).filter((i) => i.kind !== 'veth')])];
  const shown = [...all].sort((x, y) => x.index - y.index).map(withoutLoopbackAddresses);
  return shown.length > 0 ? shown : visible(b);
}

const title = (g: Group) => `${g.names.join(', ')} (${g.box.ns ?? tr`root namespace`})`;

/** One end of a veth pair: its interface, and the bridge it is a port of. */
interface End {
  readonly name: string;
  readonly master: string | undefined;
}

function endOf(id: string): End {
  const name = id.slice(id.lastIndexOf('/') + 1);
  const bridge = /\/bridge:([^/]+)\//.exec(id)?.[1];
  return { name, master: bridge };
}

/** The veth pairs between two groups, each as [end in a, end in b]. */
function links(a: Group, b: Group, pairs: readonly Edge[]): [End, End][] {
  const out: [End, End][] = [];
  for (const e of pairs) {
    if (e.boxes[0] === a.box.id && e.boxes[1] === b.box.id) out.push([endOf(e.from), endOf(e.to)]);
    else if (e.boxes[1] === a.box.id && e.boxes[0] === b.box.id) out.push([endOf(e.to), endOf(e.from)]);
  }
  return out;
}

/** How a container without a veth to a host is wired (a macvlan child); none when it has no network. */
function unwired(g: Group, mid: string): string[] {
  const first = visible(g.box).find((i) => i.name !== 'lo');
  return first ? [`${mid}│`, `${mid}│ (${tr`${first.name} is a ${first.kind}, no veth`})`] : [];
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
    else if (e.kind === 'blocked') out.push(`${a} x ${ifName(e.to)}: ${localize(e.label)}`);
    else if (e.kind === 'tunnel') out.push(`${a} <-> ${b}: ${e.label}`);
    else if (e.kind === 'macvlan') out.push(`${a}: ${localize(e.label)} (${nodeOf(p, e.to)})`);
  }
  for (const [port, list] of p.published) for (const l of list) out.push(`${nodeOf(p, port)} ${ifName(port)}: published ${l}`);
  for (const b of p.boxes) for (const n of b.notes) out.push(`${b.node}: ${n}`);
  return out.length ? `\n${out.map((l) => `  ${l}`.slice(0, TEXT_COLUMNS)).join('\n')}\n` : '';
}

/**
 * A picture of a lab's live topology in the style of the articles' docker0 drawings, drawn
 * from the same Picture as the SVG: for each docker host, its containers on top, each wired
 * by its veth pair(s) to the host's bridges; then whatever the hosts link to (the internet,
 * another host, a remote network), each under a line naming the veth pair between them; then
 * what the host does that boxes cannot show.
 */
export function renderTopology(picture: Picture): string {
  const groups = groupsOf(picture);
  const pairs = picture.edges.filter((e) => e.kind === 'veth' || e.kind === 'underlay');
  const hosts = groups.filter((g) => g.role === 'host');
  const containers = groups.filter((g) => g.role === 'container');
  const width = 30;
  const out: string[] = [];
  const drawn: Group[] = [];

  const linkLine = (g: Group) => {
    for (const d of drawn) {
      const [first] = links(d, g, pairs);
      if (first) return `  │ ${first[0].name} (${d.names[0]}) <-> ${first[1].name} (${g.names[0]})`;
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
        const b = box(title(c), visible(c.box).map(ifaceLine), width);
        const mid = ' '.repeat(Math.floor(b[0]!.length / 2));
        const wires = links(c, host, pairs).map(([, h]) => `${mid}│ ${h.name}${h.master ? ` @${h.master}` : ''}`);
        return [...b, ...(wires.length > 0 ? [`${mid}│`, ...wires] : unwired(c, mid))];
      });
    const colWidths = columns.map((col) => Math.max(...col.map((l) => l.length)));
    // Containers side by side, as many to a row as fit in TEXT_COLUMNS.
    for (const row of rowsOf(colWidths)) {
      const height = Math.max(0, ...row.map((i) => columns[i]!.length));
      for (let line = 0; line < height; line++) out.push(row.map((i) => (columns[i]![line] ?? '').padEnd(colWidths[i]!)).join('  ').trimEnd());
    }
    const lines = hostInterfaces(host.box).map((i) => {
      if (i.kind !== 'bridge') return ifaceLine(i);
      const ports = host.box.bridges.find((br) => br.iface.name === i.name)?.ports.map((p) => p.iface.name) ?? [];
      return `${ifaceLine(i)}  ports: ${ports.join(', ') || 'none'}`;
    });
    out.push(...box(title(host), lines, Math.min(TEXT_COLUMNS - 4, Math.max(width, ...rowsOf(colWidths).map((r) => r.reduce((a, i) => a + colWidths[i]! + 2, -2))))));
    drawn.push(host);
  }
  if (hosts.length === 0) {
    for (const c of containers) out.push(...box(title(c), visible(c.box).map(ifaceLine), width));
    // No host: the veth pairs between containers are the whole picture.
    for (const e of pairs) out.push(`  ${nodeOf(picture, e.from)} ${endOf(e.from).name} <-> ${endOf(e.to).name} ${nodeOf(picture, e.to)}`);
  }
  for (const o of groups.filter((g) => g.role !== 'host' && g.role !== 'container')) {
    const link = linkLine(o);
    if (hosts.length > 0) out.push(link ?? '  │ (not linked by a veth)');
    out.push(...box(title(o), visible(o.box).map(ifaceLine), width));
    drawn.push(o);
  }
  return `${out.join('\n')}\n${renderFacts(picture)}`;
}
