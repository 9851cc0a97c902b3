import { describe, expect, it } from 'vitest';
import type { Interface } from '../../../src/kernel/ip-json.js';
import { matchVethPairs, type NamespaceState } from '../../../src/kernel/snapshot.js';
import { buildPicture } from '../../../src/view/picture.js';
import { renderTopology } from '../../../src/view/diagram-text.js';

const iface = (index: number, name: string, kind: string, more: Partial<Interface> = {}): Interface => ({
  index,
  name,
  kind,
  up: true,
  mac: undefined,
  master: undefined,
  peerIndex: undefined,
  peerInOtherNs: false,
  peerNetnsId: undefined,
  addresses: [],
  ...more,
});
const lo = iface(1, 'lo', 'loopback', { addresses: ['127.0.0.1/8'] });
const vethTo = (index: number, name: string, peer: number, nsid: number, more: Partial<Interface> = {}) =>
  iface(index, name, 'veth', { peerIndex: peer, peerInOtherNs: true, peerNetnsId: nsid, ...more });

// Two hosts whose namespaces number their links identically: ifindexes alone would pair c2 with host1.
const overlay: NamespaceState[] = [
  { node: 'host1', ns: 'h1', interfaces: [lo, vethTo(2, 'eth0', 2, 0, { addresses: ['198.51.100.2/24'] }), iface(3, 'br0', 'bridge'), vethTo(4, 'vethaaa', 2, 1, { master: 'br0' })], nsids: new Map([[0, 'h2'], [1, 'c1']]) },
  { node: 'host2', ns: 'h2', interfaces: [lo, vethTo(2, 'eth0', 2, 0, { addresses: ['198.51.100.3/24'] }), iface(3, 'br0', 'bridge'), vethTo(4, 'vethbbb', 2, 1, { master: 'br0' })], nsids: new Map([[0, 'h1'], [1, 'c2']]) },
  { node: 'c1', ns: 'c1', interfaces: [lo, vethTo(2, 'eth0', 4, 0, { addresses: ['10.0.0.2/24'] })], nsids: new Map([[0, 'h1']]) },
  { node: 'c2', ns: 'c2', interfaces: [lo, vethTo(2, 'eth0', 4, 0, { addresses: ['10.0.0.3/24'] })], nsids: new Map([[0, 'h2']]) },
];
const roles = { host1: 'host', host2: 'host', c1: 'container', c2: 'container' } as const;

describe('topology picture', () => {
  it('pairs veths by link_netnsid, not by ifindex alone', () => {
    const pairs = matchVethPairs(overlay).map((ends) => ends.map((e) => `${e.node}/${e.iface.name}`).sort().join('-'));
    expect(pairs.sort()).toEqual(['c1/eth0-host1/vethaaa', 'c2/eth0-host2/vethbbb', 'host1/eth0-host2/eth0'].sort());
  });

  it('draws each host under its own containers, and the underlay between the hosts', () => {
    const text = renderTopology(buildPicture(overlay, roles));
    const at = (s: string) => text.indexOf(s);
    expect(text).toContain('│ vethaaa @br0');
    expect(text).toContain('│ vethbbb @br0');
    expect(text).toContain('  │ eth0 (host1) <-> eth0 (host2)');
    expect(at('c1 (c1)')).toBeLessThan(at('host1 (h1)'));
    expect(at('host1 (h1)')).toBeLessThan(at('c2 (c2)'));
    expect(at('c2 (c2)')).toBeLessThan(at('host2 (h2)'));
  });

  it('draws nodes sharing a namespace as one box, a none container with lo only, a macvlan child unwired', () => {
    const states: NamespaceState[] = [
      { node: 'host', ns: 'h', interfaces: [lo, iface(2, 'eth0', 'device', { addresses: ['198.51.100.2/24'] })] },
      { node: 'hostnet', ns: 'h', interfaces: [lo, iface(2, 'eth0', 'device', { addresses: ['198.51.100.2/24'] })] },
      { node: 'isolated', ns: 'n', interfaces: [lo] },
      { node: 'c1', ns: 'c1', interfaces: [lo, iface(2, 'eth0', 'macvlan', { peerIndex: 2, peerInOtherNs: true, addresses: ['198.51.100.65/24'] })] },
    ];
    const text = renderTopology(buildPicture(states, { host: 'host', hostnet: 'container', isolated: 'container', c1: 'container' }));
    expect(text).toContain('┌─ host, hostnet (h) ');
    // One Picture for both renderers: one box per namespace, its nodes named together.
    expect(buildPicture(states).boxes.map((b) => b.nodes)).toEqual([['host', 'hostnet'], ['isolated'], ['c1']]);
    expect(text).not.toContain('┌─ hostnet (h)');
    expect(text).toContain('│ lo loopback  127.0.0.1/8');
    expect(text).toContain('│ (eth0 is a macvlan, no veth)');
  });
});
