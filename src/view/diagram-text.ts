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

function side(a: string, b: string, pairs: readonly [VethEnd, VethEnd][]): [VethEnd, VethEnd] | undefined {
  for (const [x, y] of pairs) {
    if (x.node === a && y.node === b) return [x, y];
    if (y.node === a && x.node === b) return [y, x];
  }
  return undefined;
}

/**
 * A picture of a lab's live topology in the style of the articles' docker0 drawings:
 * containers on top, each wired by its veth pair to the host's bridge, the host's uplink
 * to the internet below.
 */
export function renderTopology(states: readonly NamespaceState[], roles: Readonly<Record<string, string>>): string {
  const pairs = matchVethPairs(states);
  const host = states.find((s) => roles[s.node] === 'host');
  const containers = states.filter((s) => roles[s.node] === 'container');
  const others = states.filter((s) => s !== host && roles[s.node] !== 'container');
  const out: string[] = [];
  const visible = (s: NamespaceState) => {
    const shown = s.interfaces
      .map((i) => ({ ...i, addresses: i.addresses.filter((a) => !a.startsWith('127.')) }))
      .filter((i) => i.name !== 'lo' || i.addresses.length > 0);
    // A namespace with nothing but loopback is drawn with it, so the box is not empty.
    return shown.length > 0 ? shown : s.interfaces.map((i) => ({ ...i, addresses: i.addresses.filter((a) => a.includes('.')) }));
  };
  const title = (s: NamespaceState) => `${s.node} (${s.ns ?? 'root namespace'})`;

  // Containers side by side: each column is its box, a wire, and the host end of its veth.
  const width = 30;
  const columns = containers.map((c) => {
    const b = box(title(c), visible(c).map(ifaceLine), width);
    const mid = ' '.repeat(Math.floor(b[0]!.length / 2));
    const link = host ? side(c.node, host.node, pairs) : undefined;
    const label = link ? `${link[1].iface.name}${link[1].iface.master ? ` @${link[1].iface.master}` : ''}` : '(no veth to the host)';
    return host ? [...b, `${mid}│`, `${mid}│ ${label}`] : b;
  });
  const colWidths = columns.map((col) => Math.max(...col.map((l) => l.length)));
  const height = Math.max(0, ...columns.map((col) => col.length));
  for (let row = 0; row < height; row++) out.push(columns.map((col, i) => (col[row] ?? '').padEnd(colWidths[i]!)).join('  ').trimEnd());
  if (host) {
    const lines = visible(host)
      .filter((i) => i.kind !== 'veth' || !i.master)
      .map((i) => {
        if (i.kind !== 'bridge') return ifaceLine(i);
        const ports = host.interfaces.filter((p) => p.master === i.name).map((p) => p.name);
        return `${ifaceLine(i)}  ports: ${ports.join(', ') || 'none'}`;
      });
    out.push(...box(title(host), lines, Math.max(width, colWidths.reduce((a, w) => a + w + 2, -2))));
    for (const o of others) {
      const link = side(host.node, o.node, pairs);
      out.push(`  │ ${link ? `${link[0].iface.name} <-> ${link[1].iface.name}` : '(not linked to the host)'}`);
      out.push(...box(title(o), visible(o).map(ifaceLine), width));
    }
  } else {
    for (const o of others) out.push(...box(title(o), visible(o).map(ifaceLine), width));
    // No host: the veth pairs between containers are the whole picture.
    for (const [a, b] of pairs) out.push(`  ${a.node} ${a.iface.name} <-> ${b.iface.name} ${b.node}`);
  }
  return `${out.join('\n')}\n`;
}
