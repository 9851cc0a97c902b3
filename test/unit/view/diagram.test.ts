import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../../src/view/diagram-svg.js';
import { matchVethPairs } from '../../../src/kernel/snapshot.js';
import { renderTopology, TEXT_COLUMNS } from '../../../src/view/diagram-text.js';
import { layOut } from '../../../src/view/layout.js';
import { buildPicture } from '../../../src/view/picture.js';
import { drawnEdges, drawnShapes, edgesThroughBoxes } from '../../view/svg-geometry.js';
import { inferRoles } from '../../../src/view/roles.js';
import { connectWorld, docker0World } from '../inspect/fixtures.js';

describe('diagram from live state (roles inferred from the kernel, not a plan)', () => {
  it('infers host, containers and the rest', () => {
    expect(inferRoles(docker0World())).toEqual({ host: 'host', c1: 'container', c2: 'container', wan: 'wan' });
  });

  it('docker0: containers above the host, their veth host ends on docker0, the wan below', () => {
    const text = renderTopology(buildPicture(docker0World(), inferRoles(docker0World())));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^┌─ c1 \(nslab-zqd-c1\) ─+┐\s+┌─ c2 \(nslab-zqd-c2\)/);
    expect(text).toMatch(/│ veth[0-9a-f]{7} @docker0/);
    expect(text).toMatch(/docker0 bridge {2}172\.17\.0\.1\/16 {2}ports: veth[0-9a-f]{7}, veth[0-9a-f]{7}/);
    expect(text).toContain('│ eth0 (host) <-> eth0 (wan)');
    expect(text.indexOf('wan (nslab-zqd-wan)')).toBeGreaterThan(text.indexOf('host (nslab-zqd-host)'));
  });

  it('two bridges: a container on both shows both host ends, each with its bridge', () => {
    const text = renderTopology(buildPicture(connectWorld(), inferRoles(connectWorld())));
    expect(text).toMatch(/│ veth[0-9a-f]{7} @docker0\n\s+│ veth-c1n2 @br-net2/);
    expect(text).toContain('br-net2 bridge  172.18.0.1/16  ports:');
  });

  it('namespaces with no bridge at all are still drawn, with their links', () => {
    const world = docker0World().filter((w) => w.node === 'wan');
    expect(renderTopology(buildPicture(world, inferRoles(world)))).toContain('wan (nslab-zqd-wan)');
  });

  const svgOf = async (world: ReturnType<typeof docker0World>) => {
    const picture = buildPicture(world);
    return { picture, svg: renderSvg(picture, await layOut(picture), 'lab <zqc>') };
  };

  it('SVG: one box per namespace, one bar per bridge, escaped text', async () => {
    const { svg } = await svgOf(connectWorld());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('lab &lt;zqc&gt;');
    expect(drawnShapes(svg).map((s) => s.id).sort()).toEqual(
      ['ns:nslab-zqc-c1', 'ns:nslab-zqc-c2', 'ns:nslab-zqc-host', 'ns:nslab-zqc-host/bridge:br-net2', 'ns:nslab-zqc-host/bridge:docker0', 'ns:nslab-zqc-wan'],
    );
    expect(svg).toContain('docker0  172.17.0.1/16');
    expect(svg).toContain('br-net2  172.18.0.1/16');
  });

  it.each([
    ['docker0', docker0World],
    ['connect', connectWorld],
  ])('SVG of %s: every veth pair is one edge between its two boxes, and no edge runs through another box', async (_n, world) => {
    const { svg } = await svgOf(world());
    const edges = drawnEdges(svg).filter((e) => e.kind === 'veth');
    const pairs = matchVethPairs(world());
    expect(edges).toHaveLength(pairs.length);
    for (const [a, b] of pairs) {
      const drawn = edges.filter((e) => [a, b].every((end) => [e.from, e.to].some((id) => id.endsWith(`/${end.iface.name}`) && id.startsWith(`ns:nslab-${world === docker0World ? 'zqd' : 'zqc'}-${end.node}/`))));
      expect(drawn, `${a.node} ${a.iface.name} - ${b.node} ${b.iface.name}`).toHaveLength(1);
      expect(drawn[0]!.points.length).toBeGreaterThanOrEqual(2);
    }
    expect(edgesThroughBoxes(svg)).toEqual([]);
  });

  it('docker0: MASQUERADE from docker0 to eth0, drawn and said; without the rule, neither', async () => {
    const { picture, svg } = await svgOf(docker0World());
    expect(picture.edges.filter((e) => e.kind === 'masquerade').map((e) => `${e.from} -> ${e.to}`)).toEqual(['ns:nslab-zqd-host/bridge:docker0 -> ns:nslab-zqd-host/eth0']);
    expect(svg).toContain('>ip_forward + MASQUERADE</text>');
    expect(renderTopology(picture)).toContain('host docker0 -> eth0: ip_forward + MASQUERADE');
    const broken = docker0World((node, file, text) => (node === 'host' && file === 'iptables' ? text.replace(/^.*MASQUERADE.*$/m, '') : text));
    const after = await svgOf(broken);
    expect(after.picture.edges.filter((e) => e.kind === 'masquerade')).toEqual([]);
    expect(after.svg).not.toContain('MASQUERADE');
    // ip_forward off: the rule alone does not get a packet out.
    const noForward = buildPicture(docker0World((node, file, text) => (node === 'host' && file === 'forward' ? '0\n' : text)));
    expect(noForward.edges.filter((e) => e.kind === 'masquerade')).toEqual([]);
  });

  it('a veth moved to another bridge is drawn to that bridge', async () => {
    const moved = connectWorld((node, file, text) => (node === 'host' && file === 'addr.json' ? text.replace('"master":"docker0"', '"master":"br-net2"') : text));
    const { svg } = await svgOf(moved);
    const c1 = drawnEdges(svg).filter((e) => e.from === 'ns:nslab-zqc-c1/eth0' || e.to === 'ns:nslab-zqc-c1/eth0');
    expect(c1.map((e) => e.to)).toEqual(['ns:nslab-zqc-host/bridge:br-net2/veth67445dc']);
    expect(edgesThroughBoxes(svg)).toEqual([]);
  });

  it('published ports are written at the uplink; isolation between bridges is drawn as blocked', async () => {
    // The connect capture has no rules: give its host Docker's DNAT for -p 8080:80 and a DROP between the bridges.
    const rules = [
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':DOCKER - [0:0]',
      '[0:0] -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
      '[0:0] -A DOCKER -d 198.51.100.2/32 ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
      'COMMIT',
      '*filter',
      ':FORWARD ACCEPT [0:0]',
      '[0:0] -A FORWARD -i docker0 -o br-net2 -j DROP',
      'COMMIT',
      '',
    ].join('\n');
    const world = connectWorld((node, file, text) => (node === 'host' && file === 'iptables' ? rules : text));
    const { picture, svg } = await svgOf(world);
    expect([...picture.published.values()].flat()).toEqual(['8080 -> 172.17.0.2:80']);
    expect(svg).toContain('>8080 -&gt; 172.17.0.2:80</text>');
    const blocked = picture.edges.filter((e) => e.kind === 'blocked');
    expect(blocked.map((e) => e.label)).toEqual(['blocked (FORWARD DROP)']);
    expect(drawnEdges(svg).filter((e) => e.kind === 'blocked')).toHaveLength(1);
  });

  it('the terminal picture fits in 100 columns even with many containers', () => {
    const world = docker0World();
    const c1 = world.find((w) => w.node === 'c1')!;
    const many = [...world, ...Array.from({ length: 12 }, (_, k) => ({ ...c1, node: `extra${k}`, ns: `nslab-zqd-extra${k}` }))];
    const text = renderTopology(buildPicture(many, { ...inferRoles(world), ...Object.fromEntries(many.slice(world.length).map((w) => [w.node, 'container'])) }));
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(TEXT_COLUMNS);
    expect(text).toContain('extra11 (nslab-zqd-extra11)');
  });
  it('the geometry check itself: an edge drawn straight through a third box is reported', () => {
    const svg = [
      '<rect x="0" y="0" width="50" height="50" data-box="ns:a"/>',
      '<rect x="0" y="100" width="50" height="50" data-box="ns:b"/>',
      '<rect x="0" y="200" width="50" height="50" data-box="ns:c"/>',
      '<path data-edge="e1" data-kind="veth" data-from="ns:a/eth0" data-to="ns:c/eth0" data-boxes="ns:a ns:c" d="M25.0,50.0 L25.0,200.0"><title>eth0 - eth0</title></path>',
      '<path data-edge="e2" data-kind="veth" data-from="ns:a/eth1" data-to="ns:c/eth1" data-boxes="ns:a ns:c" d="M50.0,25.0 L80.0,25.0 L80.0,225.0 L50.0,225.0"><title>eth1 - eth1</title></path>',
    ].join('\n');
    expect(edgesThroughBoxes(svg)).toEqual(['e1 (eth0 - eth0) runs through ns:b']);
  });
});
