import { describe, expect, it } from 'vitest';
import { inspectNetworks, selectNetwork } from '../../../src/inspect/network-inspect.js';
import { peerRows, renderPeers } from '../../../src/inspect/peers.js';
import { parseNsIds } from '../../../src/kernel/ip-json.js';
import { liveNamespace } from '../../../src/inspect/world.js';
import { readFileSync } from 'node:fs';
import { connectWorld, docker0World } from './fixtures.js';

describe('peers (live docker0 capture)', () => {
  it('pairs every veth across namespaces, container side first, with the bridge', () => {
    const rows = peerRows(docker0World());
    expect(rows.map((r) => [r.namespace, r.interface, r.address, r.peerNamespace, r.bridge])).toEqual([
      ['nslab-zqd-c1', 'eth0', '172.17.0.2/16', 'nslab-zqd-host', 'docker0'],
      ['nslab-zqd-c2', 'eth0', '172.17.0.3/16', 'nslab-zqd-host', 'docker0'],
      ['nslab-zqd-host', 'eth0', '198.51.100.2/24', 'nslab-zqd-wan', ''],
    ]);
    expect(rows[0]!.peerInterface).toMatch(/^veth[0-9a-f]{7}$/);
    expect(renderPeers(rows)).toContain('peer namespace');
  });

  it('uses link_netnsid: same ifindexes in namespaces the end does not point at do not pair', () => {
    // c1 and c2 both have eth0 = ifindex 2 pointing at host ifindexes; drop host's id table so
    // host's ends could point anywhere, and c1's table so it names a namespace that is not host.
    const world = docker0World((node, file, text) => (node === 'c1' && file === 'nsids.json' ? '[{"nsid":0,"name":"nslab-zqd-wan"}]' : text));
    const rows = peerRows(world);
    const c1 = rows.find((r) => r.namespace === 'nslab-zqd-c1')!;
    expect(c1.peerNamespace).toBe('nslab-zqd-wan');
    expect(c1.peerInterface).toContain('not read');
  });

  it('names a peer in a namespace that was not read by its id', () => {
    const rows = peerRows(docker0World().filter((w) => w.node !== 'wan'));
    expect(rows.find((r) => r.namespace === 'nslab-zqd-host' && r.interface === 'eth0')).toMatchObject({ peerNamespace: 'nslab-zqd-wan', peerInterface: expect.stringContaining('ifindex') });
    expect(parseNsIds('[{"nsid":3}]').get(3)).toBeUndefined();
  });
});

describe('peers with the root namespace', () => {
  it('an end whose link_netnsid has no ip netns name pairs with the root namespace', () => {
    const read = (f: string) => readFileSync(new URL(`../../fixtures/live-docker0/${f}`, import.meta.url), 'utf8');
    // The docker host's capture played by the root namespace; c1 then knows it only by id.
    const root = liveNamespace(undefined, { addr: read('host.addr.json'), route: '[]', nsids: read('host.nsids.json'), forward: '1', bridgeNf: '1', iptables: '' });
    const c1 = liveNamespace('nslab-zqd-c1', { addr: read('c1.addr.json'), route: '[]', nsids: '[{"nsid":0}]', forward: '0', bridgeNf: '1', iptables: '' });
    const rows = peerRows([root, c1]);
    expect(rows.find((r) => r.namespace === 'nslab-zqd-c1')).toMatchObject({ interface: 'eth0', peerNamespace: 'root', bridge: 'docker0' });
  });
});

describe('inspect (docker network inspect shape from live state)', () => {
  it('docker0 is the "bridge" network with its subnet, gateway, containers and options', () => {
    const [net] = inspectNetworks(docker0World());
    expect(net).toMatchObject({
      Name: 'bridge',
      Driver: 'bridge',
      Scope: 'local',
      IPAM: { Driver: 'default', Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] },
      Internal: false,
      Options: { 'com.docker.network.bridge.name': 'docker0', 'com.docker.network.bridge.default_bridge': 'true', 'com.docker.network.bridge.enable_ip_masquerade': 'true', 'com.docker.network.driver.mtu': '1500' },
    });
    expect(net!.Id).toMatch(/^[0-9a-f]{64}$/);
    const containers = Object.values(net!.Containers).sort((a, b) => a.Name.localeCompare(b.Name));
    expect(containers).toEqual([
      expect.objectContaining({ Name: 'c1', IPv4Address: '172.17.0.2/16', MacAddress: '02:42:ac:11:00:02' }),
      expect.objectContaining({ Name: 'c2', IPv4Address: '172.17.0.3/16', MacAddress: '02:42:ac:11:00:03' }),
    ]);
  });

  it('without the MASQUERADE rule, enable_ip_masquerade reads false', () => {
    const world = docker0World((node, file, text) => (node === 'host' && file === 'iptables' ? text.replace(/^\[.*MASQUERADE\n/m, '') : text));
    expect(inspectNetworks(world)[0]!.Options['com.docker.network.bridge.enable_ip_masquerade']).toBe('false');
  });

  it('two bridges are two networks; a container on both appears in each with that network address', () => {
    const nets = inspectNetworks(connectWorld());
    expect(nets.map((n) => n.Name).sort()).toEqual(['br-net2', 'bridge']);
    const net2 = selectNetwork(nets, 'br-net2')[0]!;
    expect(Object.values(net2.Containers).map((c) => `${c.Name} ${c.IPv4Address}`).sort()).toEqual(['c1 172.18.0.3/16', 'c2 172.18.0.2/16']);
    expect(selectNetwork(nets, 'bridge')[0]!.Options['com.docker.network.bridge.name']).toBe('docker0');
    expect(selectNetwork(nets, net2.Id.slice(0, 12))).toEqual([net2]);
  });
});
