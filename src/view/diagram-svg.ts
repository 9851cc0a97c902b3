import type { Interface } from '../kernel/ip-json.js';
import { matchVethPairs, type NamespaceState, type VethEnd } from '../kernel/snapshot.js';
import { inferRoles } from './roles.js';

// The articles' docker0 picture as SVG: a host box, containers along its top with their
// eth0 and address, each wired by its veth to a bridge bar, the uplink leaving at the bottom
// to the internet. Several hosts stack vertically; several bridges stack as bars.

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const text = (x: number, y: number, s: string, o: { size?: number; anchor?: string; weight?: string; fill?: string } = {}) =>
  `<text x="${x}" y="${y}" font-size="${o.size ?? 12}" text-anchor="${o.anchor ?? 'middle'}"${o.weight ? ` font-weight="${o.weight}"` : ''} fill="${o.fill ?? '#222'}">${esc(s)}</text>`;
const rect = (x: number, y: number, w: number, h: number, fill: string, stroke: string, extra = '') =>
  `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="8" fill="${fill}" stroke="${stroke}" stroke-width="1.5"${extra}/>`;
const line = (x1: number, y1: number, x2: number, y2: number, stroke = '#555') => `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${stroke}" stroke-width="2"/>`;

const BOX_W = 190;
const GAP = 30;
const PAD = 24;
const ifaceText = (i: Interface) => `${i.name}  ${i.addresses.filter((a) => !a.startsWith('127.')).join(' ') || '-'}${i.up ? '' : ' (DOWN)'}`;
const shown = (s: NamespaceState) => s.interfaces.filter((i) => i.name !== 'lo' || i.addresses.some((a) => !a.startsWith('127.')));

function nsBox(out: string[], s: NamespaceState, x: number, y: number, fill: string, stroke: string): number {
  const ifs = shown(s);
  const h = 30 + 18 * Math.max(1, ifs.length);
  out.push(rect(x, y, BOX_W, h, fill, stroke), text(x + BOX_W / 2, y + 18, s.node, { weight: 'bold' }));
  ifs.forEach((i, k) => out.push(text(x + BOX_W / 2, y + 38 + 18 * k, ifaceText(i), { size: 11 })));
  return h;
}

const between = (a: string, b: string, pairs: readonly [VethEnd, VethEnd][]) =>
  pairs.flatMap(([x, y]): [VethEnd, VethEnd][] => (x.node === a && y.node === b ? [[x, y]] : y.node === a && x.node === b ? [[y, x]] : []));

export function renderSvg(states: readonly NamespaceState[], heading: string): string {
  const roles = inferRoles(states);
  const pairs = matchVethPairs(states);
  const body: string[] = [];
  const drawn = new Set<string>();
  let y = 50;
  let width = 400;
  for (const host of states.filter((s) => roles[s.node] === 'host')) {
    const containers = states.filter((s) => roles[s.node] === 'container' && !drawn.has(s.node) && between(s.node, host.node, pairs).length > 0);
    const bridges = host.interfaces.filter((i) => i.kind === 'bridge');
    const uplinks = host.interfaces.filter((i) => i.kind !== 'bridge' && i.name !== 'lo' && !i.master);
    const innerW = Math.max(containers.length, uplinks.length, 1) * (BOX_W + GAP) - GAP;
    const hostX = 20;
    const hostW = innerW + 2 * PAD;
    const top = y;
    // Containers along the top of the host.
    let cy = top + 36;
    const wires: { x: number; from: number; end: VethEnd }[] = [];
    let tallest = 0;
    containers.forEach((c, k) => {
      const x = hostX + PAD + k * (BOX_W + GAP);
      const h = nsBox(body, c, x, cy, '#e3f0fb', '#3b7dc4');
      tallest = Math.max(tallest, h);
      between(c.node, host.node, pairs).forEach(([, h2], j, all) => wires.push({ x: x + ((j + 1) * BOX_W) / (all.length + 1), from: cy + h, end: h2 }));
      drawn.add(c.node);
    });
    // Bridge bars below them; each wire runs to the bar its host end is a port of.
    let by = cy + tallest + 70;
    const barY: Record<string, number> = {};
    // Bars are drawn after the wires, so a wire to a lower bar passes behind the upper one.
    const bars: string[] = [];
    for (const br of bridges) {
      barY[br.name] = by;
      // Ports that are not container veths (an overlay's vxlan device) are named on the bar.
      const others = host.interfaces.filter((p) => p.master === br.name && p.kind !== 'veth').map((p) => `${p.name} (${p.kind})`);
      const label = [br.name, ...br.addresses, ...(others.length ? [`+ ${others.join(', ')}`] : []), ...(br.up ? [] : ['(DOWN)'])].join('  ');
      bars.push(rect(hostX + PAD, by, innerW, 34, '#fde9d2', '#d9822b'), text(hostX + PAD + innerW / 2, by + 22, label, { weight: 'bold' }));
      by += 60;
    }
    wires.forEach((w, k) => {
      const target = w.end.iface.master ? barY[w.end.iface.master] : undefined;
      const to = target ?? w.from + 40;
      body.push(line(w.x, w.from, w.x, to, w.end.iface.up ? '#555' : '#c33'), text(w.x + 5, w.from + 18 + 14 * (k % 3), w.end.iface.name, { size: 10, anchor: 'start', fill: '#555' }));
    });
    body.push(...bars);
    // The host's own interfaces (its uplink) along the bottom edge, and what they lead to.
    const uy = by;
    const below: { x: number; other: NamespaceState }[] = [];
    uplinks.forEach((u, k) => {
      const x = hostX + PAD + k * (BOX_W + GAP);
      body.push(rect(x, uy, BOX_W, 30, '#eeeeee', '#777'), text(x + BOX_W / 2, uy + 20, ifaceText(u), { size: 11 }));
      const peer = pairs.find(([a, b]) => (a.node === host.node && a.iface.index === u.index) || (b.node === host.node && b.iface.index === u.index));
      const other = peer && (peer[0].node === host.node ? peer[1] : peer[0]);
      const ns = other && states.find((s) => s.node === other.node);
      if (ns && !drawn.has(ns.node) && roles[ns.node] !== 'host') below.push({ x, other: ns });
      // Two docker hosts joined by a veth (an overlay's underlay): say where the link goes.
      if (other && roles[other.node] === 'host') {
        body.push(text(x + BOX_W + 8, uy + 20, `underlay to ${other.node} (${other.iface.name})`, { size: 11, anchor: 'start', fill: '#555' }));
        width = Math.max(width, x + BOX_W + 200);
      }
    });
    const bottom = uy + (uplinks.length ? 50 : 10);
    body.unshift(rect(hostX, top, hostW, bottom - top, '#fafafa', '#888', ' stroke-dasharray="6 4"'), text(hostX + 12, top + 22, `${host.node} (${host.ns ?? 'root namespace'})`, { anchor: 'start', weight: 'bold', fill: '#555' }));
    drawn.add(host.node);
    y = bottom + 30;
    let tallestBelow = 0;
    for (const b of below) {
      body.push(line(b.x + BOX_W / 2, uy + 30, b.x + BOX_W / 2, y));
      tallestBelow = Math.max(tallestBelow, nsBox(body, b.other, b.x, y, '#e5f5e0', '#41a05a'));
      drawn.add(b.other.node);
    }
    y += tallestBelow + (tallestBelow ? 16 : 0);
    width = Math.max(width, hostW + 40);
  }
  // Whatever no host claimed (namespaces joined only to each other) sits in a row at the end.
  const rest = states.filter((s) => !drawn.has(s.node));
  rest.forEach((s, k) => nsBox(body, s, 20 + k * (BOX_W + GAP), y, '#e3f0fb', '#3b7dc4'));
  for (const [a, b] of pairs) {
    const ia = rest.findIndex((s) => s.node === a.node);
    const ib = rest.findIndex((s) => s.node === b.node);
    if (ia >= 0 && ib >= 0 && Math.abs(ia - ib) === 1) {
      const x = 20 + Math.min(ia, ib) * (BOX_W + GAP) + BOX_W;
      body.push(line(x, y + 30, x + GAP, y + 30), text(x + GAP / 2, y + 24, `${a.iface.name}-${b.iface.name}`, { size: 9 }));
    }
  }
  if (rest.length) {
    y += 120;
    width = Math.max(width, rest.length * (BOX_W + GAP) + 20);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="Helvetica, Arial, sans-serif">
<rect width="100%" height="100%" fill="white"/>
${text(20, 30, heading, { anchor: 'start', size: 15, weight: 'bold' })}
${body.join('\n')}
</svg>
`;
}
