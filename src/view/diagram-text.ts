import { matchVethPairs, type NamespaceState, type VethEnd } from '../kernel/snapshot.js';

function box(title: string, lines: readonly string[], width: number): string[] {
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

/**
 * A picture of a lab's live topology in the style of the articles' docker0 drawings: for
 * each docker host, its containers on top, each wired by its veth pair(s) to the host's
 * bridges; then whatever the hosts link to (the internet, another host, a remote network),
 * each under a line naming the veth pair between them.
 */
export function renderTopology(states: readonly NamespaceState[], roles: Readonly<Record<string, string>>): string {
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
    const height = Math.max(0, ...columns.map((col) => col.length));
    for (let row = 0; row < height; row++) out.push(columns.map((col, i) => (col[row] ?? '').padEnd(colWidths[i]!)).join('  ').trimEnd());
    const lines = visible(host.state)
      .filter((i) => i.kind !== 'veth' || !i.master)
      .map((i) => {
        if (i.kind !== 'bridge') return ifaceLine(i);
        const ports = host.state.interfaces.filter((p) => p.master === i.name).map((p) => p.name);
        return `${ifaceLine(i)}  ports: ${ports.join(', ') || 'none'}`;
      });
    out.push(...box(title(host), lines, Math.max(width, colWidths.reduce((a, w) => a + w + 2, -2))));
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
  return `${out.join('\n')}\n`;
}
