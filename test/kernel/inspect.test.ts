import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawnEdges, edgesThroughBoxes } from '../view/svg-geometry.js';
import { cli, isolateState, namespacesOf, requireKernel, uniqueName } from './support.js';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

// These commands only read; that a lab leaves the root namespace as it was is docker0.test.ts's
// to assert (root-mode suites may change the root namespace while this file runs).
describe('inspect, peers, diagram and why on live state', () => {
  const name = uniqueName('ins');
  // Namespaces nslab did not create: no nslab- prefix, built with plain ip.
  const foreignA = `zq${name}a`;
  const foreignB = `zq${name}b`;

  beforeAll(async () => {
    requireKernel();
    isolateState();
    expect((await cli('up', 'docker0', '--name', name)).code).toBe(0);
    ip('netns', 'add', foreignA);
    ip('netns', 'add', foreignB);
    ip('-n', foreignA, 'link', 'add', 'left', 'type', 'veth', 'peer', 'name', 'right', 'netns', foreignB);
    ip('-n', foreignA, 'addr', 'add', '10.99.0.1/30', 'dev', 'left');
  });

  afterAll(async () => {
    ip('netns', 'del', foreignA);
    ip('netns', 'del', foreignB);
    await cli('down', name);
    expect(namespacesOf(name)).toEqual([]);
  });

  it('inspect: docker network inspect shape, docker0 as "bridge", both containers', async () => {
    const r = await cli('inspect', name, 'bridge');
    expect(r.code).toBe(0);
    const [net] = JSON.parse(r.out) as { Name: string; IPAM: { Config: { Subnet: string; Gateway: string }[] }; Containers: Record<string, { Name: string; IPv4Address: string }> }[];
    expect(net!.Name).toBe('bridge');
    expect(net!.IPAM.Config).toEqual([{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }]);
    expect(Object.values(net!.Containers).map((c) => `${c.Name} ${c.IPv4Address}`).sort()).toEqual(['c1 172.17.0.2/16', 'c2 172.17.0.3/16']);
    const missing = await cli('inspect', name, 'nosuch');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('networks: bridge');
  });

  it('peers: the lab pairs, and without a lab also namespaces nslab did not create', async () => {
    const lab = JSON.parse((await cli('peers', name, '--json')).out) as { namespace: string; peerNamespace: string; bridge: string }[];
    expect(lab.filter((r) => r.bridge === 'docker0').map((r) => r.namespace).sort()).toEqual([`nslab-${name}-c1`, `nslab-${name}-c2`]);
    const all = JSON.parse((await cli('peers', '--json')).out) as { namespace: string; interface: string; address: string; peerNamespace: string; peerInterface: string }[];
    expect(all).toContainEqual({ namespace: foreignA, interface: 'left', address: '10.99.0.1/30', peerNamespace: foreignB, peerInterface: 'right', bridge: '' });
  });

  it('diagram: the picture from the kernel, and an SVG file', async () => {
    const svg = join(tmpdir(), `${name}.svg`);
    const r = await cli('diagram', name, '--svg', svg);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`c1 (nslab-${name}-c1)`);
    expect(r.out).toMatch(/docker0 bridge {2}172\.17\.0\.1\/16/);
    expect(readFileSync(svg, 'utf8')).toContain('docker0  172.17.0.1/16');
  });

  it('why: a healthy path, then the first broken hop with its fix, confirmed by a ping', async () => {
    const ok = await cli('why', name, 'c1', 'wan', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ broken: null, ping: { reached: true } });
    execFileSync('ip', ['netns', 'exec', `nslab-${name}-host`, 'sysctl', '-qw', 'net.ipv4.ip_forward=0']);
    try {
      const bad = await cli('why', name, 'c1', '203.0.113.10', '--json');
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.out)).toMatchObject({ broken: { at: 'host', fix: `ip netns exec nslab-${name}-host sysctl -w net.ipv4.ip_forward=1` }, ping: { reached: false } });
    } finally {
      execFileSync('ip', ['netns', 'exec', `nslab-${name}-host`, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    }
  });
  it('diagram: a lab broken by hand is drawn broken (MASQUERADE deleted, a veth moved to another bridge)', async () => {
    const host = `nslab-${name}-host`;
    const inHost = (...argv: string[]) => execFileSync('ip', ['netns', 'exec', host, ...argv], { encoding: 'utf8' });
    const picture = async () => {
      const file = join(tmpdir(), `${name}-broken.svg`);
      const r = await cli('diagram', name, '--svg', file);
      expect(r.code).toBe(0);
      return { text: r.out, svg: readFileSync(file, 'utf8') };
    };
    const masquerades = (svg: string) => drawnEdges(svg).filter((e) => e.kind === 'masquerade').map((e) => e.from);
    expect(masquerades((await picture()).svg)).toEqual([`ns:${host}/bridge:docker0`]);

    const nat = inHost('iptables-save', '-t', 'nat');
    const n = inHost('iptables', '-t', 'nat', '-S', 'POSTROUTING').split('\n').filter((l) => l.startsWith('-A ')).findIndex((l) => l.includes('-j MASQUERADE'));
    inHost('iptables', '-t', 'nat', '-D', 'POSTROUTING', String(n + 1));
    try {
      const broken = await picture();
      expect(masquerades(broken.svg)).toEqual([]);
      expect(broken.text).not.toContain('MASQUERADE');
    } finally {
      execFileSync('ip', ['netns', 'exec', host, 'iptables-restore', '-T', 'nat'], { input: nat });
    }
    expect(masquerades((await picture()).svg)).toEqual([`ns:${host}/bridge:docker0`]);

    const peers = JSON.parse((await cli('peers', name, '--json')).out) as { namespace: string; peerInterface: string }[];
    const c1End = peers.find((p) => p.namespace === `nslab-${name}-c1`)!.peerInterface;
    const toC1 = (svg: string) => drawnEdges(svg).filter((e) => e.from === `ns:nslab-${name}-c1/eth0`).map((e) => e.to);
    expect(toC1((await picture()).svg)).toEqual([`ns:${host}/bridge:docker0/${c1End}`]);
    inHost('ip', 'link', 'add', 'br-moved', 'type', 'bridge');
    try {
      inHost('ip', 'link', 'set', c1End, 'master', 'br-moved');
      const moved = await picture();
      expect(toC1(moved.svg)).toEqual([`ns:${host}/bridge:br-moved/${c1End}`]);
      expect(edgesThroughBoxes(moved.svg)).toEqual([]);
      expect(moved.text).toContain(`${c1End} @br-moved`);
    } finally {
      inHost('ip', 'link', 'set', c1End, 'master', 'docker0');
      inHost('ip', 'link', 'del', 'br-moved');
    }
  });
});
