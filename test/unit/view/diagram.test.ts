import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../../src/view/diagram-svg.js';
import { renderTopology } from '../../../src/view/diagram-text.js';
import { inferRoles } from '../../../src/view/roles.js';
import { connectWorld, docker0World } from '../inspect/fixtures.js';

describe('diagram from live state (roles inferred from the kernel, not a plan)', () => {
  it('infers host, containers and the rest', () => {
    expect(inferRoles(docker0World())).toEqual({ host: 'host', c1: 'container', c2: 'container', wan: 'other' });
  });

  it('docker0: containers above the host, their veth host ends on docker0, the wan below', () => {
    const text = renderTopology(docker0World(), inferRoles(docker0World()));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^┌─ c1 \(nslab-zqd-c1\) ─+┐\s+┌─ c2 \(nslab-zqd-c2\)/);
    expect(text).toMatch(/│ veth[0-9a-f]{7} @docker0/);
    expect(text).toMatch(/docker0 bridge {2}172\.17\.0\.1\/16 {2}ports: veth[0-9a-f]{7}, veth[0-9a-f]{7}/);
    expect(text).toContain('│ eth0 (host) <-> eth0 (wan)');
    expect(text.indexOf('wan (nslab-zqd-wan)')).toBeGreaterThan(text.indexOf('host (nslab-zqd-host)'));
  });

  it('two bridges: a container on both shows both host ends, each with its bridge', () => {
    const text = renderTopology(connectWorld(), inferRoles(connectWorld()));
    expect(text).toMatch(/│ veth[0-9a-f]{7} @docker0\n\s+│ veth-c1n2 @br-net2/);
    expect(text).toContain('br-net2 bridge  172.18.0.1/16  ports:');
  });

  it('namespaces with no bridge at all are still drawn, with their links', () => {
    const world = docker0World().filter((w) => w.node === 'wan');
    expect(renderTopology(world, inferRoles(world))).toContain('wan (nslab-zqd-wan)');
  });

  it('SVG: one bar per bridge, one box per namespace, escaped text', () => {
    const svg = renderSvg(connectWorld(), 'lab <zqc>');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('lab &lt;zqc&gt;');
    expect(svg).toContain('docker0  172.17.0.1/16');
    expect(svg).toContain('br-net2  172.18.0.1/16');
    for (const n of ['c1', 'c2', 'wan']) expect(svg).toContain(`font-weight="bold" fill="#222">${n}</text>`);
  });
});
