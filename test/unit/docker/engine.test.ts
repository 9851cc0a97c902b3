import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/docker/engine.js';
import { resolveProfile, type DockerVersion } from '../../../src/docker/profile.js';
import { renderCmd } from '../../../src/exec/command.js';
import type { Op } from '../../../src/ops/op.js';

// The Engine without a kernel: dockerd's refusals in its own words (what the real daemons
// said for the same commands, test/real), each leaving the engine as it was, and the split
// along libnetwork's seams (which driver makes what).

function engine(docker: DockerVersion = '28'): Engine {
  const e = new Engine({ lab: 'eng', hostNs: 'nslab-eng-host', profile: resolveProfile({ docker }), tools: { brctl: false }, stateDir: '/run/nslab/labs/eng' });
  e.start();
  return e;
}

const lines = (ops: readonly Op[]): string[] => ops.map((o) => renderCmd(o.cmd));

/** The engine's state as docker ps and docker network ls would show it. */
const state = (e: Engine) => ({
  networks: [...e.networks.values()].map((n) => `${n.name} ${n.ipam.subnet.cidr}`),
  containers: [...e.sandboxes.values()].map((s) => `${s.container} ${s.endpoints.map((p) => p.address).join(',')}`),
});

/** Refused with these words, and nothing in the engine moved. */
function refuses(e: Engine, action: () => unknown, words: string | RegExp): void {
  const before = state(e);
  expect(action).toThrow(words);
  expect(state(e)).toEqual(before);
}

describe("the Engine refuses what dockerd refuses, in dockerd's words", () => {
  it('a gateway mode its version lacks, and isolated without --internal', () => {
    refuses(engine('27'), () => engine('27').networkCreate('open', { gatewayMode: 'nat-unprotected' }), 'failed to parse com.docker.network.bridge.gateway_mode_ipv4 value: nat-unprotected (unknown gateway mode nat-unprotected)');
    const e = engine('28');
    refuses(e, () => e.networkCreate('vault', { gatewayMode: 'isolated' }), "gateway mode 'isolated' can only be used for an internal network");
    refuses(e, () => e.networkCreate('x', { gatewayMode: 'bridged' }), 'unknown gateway mode bridged');
    // Accepted: routed in 27, isolated with --internal in 28 (whose bridge then gets no address).
    expect(engine('27').networkCreate('r', { gatewayMode: 'routed' }).network.firewall.gatewayMode).toBe('routed');
    const vault = e.networkCreate('vault', { internal: true, gatewayMode: 'isolated' });
    expect(lines(vault.ops).some((l) => l.includes(' addr add '))).toBe(false);
  });

  it('a network name or container name taken', () => {
    const e = engine();
    e.networkCreate('my_net');
    e.run('web', { network: 'my_net' });
    refuses(e, () => e.networkCreate('my_net'), 'network with name my_net already exists');
    refuses(e, () => e.run('web'), /^Conflict\. The container name "\/web" is already in use by container "[0-9a-f]{64}"\./);
  });

  it('a --subnet that overlaps, worded per version', () => {
    for (const [docker, words] of [['27', /^Pool overlaps with other one on this address space$/], ['28', /^invalid pool request: Pool overlaps with other one on this address space$/]] as const) {
      const e = engine(docker);
      e.networkCreate('a', { subnet: '10.9.0.0/16' });
      refuses(e, () => e.networkCreate('b', { subnet: '10.9.4.0/24' }), words);
    }
  });

  it('--ip and --network-alias on the default bridge', () => {
    const e = engine();
    refuses(e, () => e.run('c1', { ip: '172.17.0.9' }), 'invalid config for network bridge: invalid endpoint settings:\n* user specified IP address is supported on user defined networks only');
    refuses(e, () => e.run('c1', { aliases: ['db'] }), 'network-scoped aliases are only supported for user-defined networks');
  });

  it('options that need an endpoint of its own, with --network host, none or container:', () => {
    const e = engine();
    e.run('app');
    refuses(e, () => e.runShared('x', { kind: 'host' }, { ip: '10.0.0.2' }), 'user specified IP address is supported on user defined networks only');
    refuses(e, () => e.runShared('x', { kind: 'container', container: 'app' }, { publish: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] }), 'conflicting options: port publishing and the container type network mode');
    refuses(e, () => e.runShared('x', { kind: 'container', container: 'app' }, { hostname: 'h' }), 'conflicting options: hostname and the network mode');
    refuses(e, () => e.runShared('x', { kind: 'host' }, { addHosts: [{ name: 'db', address: '10.0.0.5' }] }), 'conflicting options: custom host-to-IP mapping and the network mode');
    refuses(e, () => e.runShared('x', { kind: 'container', container: 'nope' }), 'No such container: nope');
    e.runShared('side', { kind: 'container', container: 'app' });
    refuses(e, () => e.runShared('x', { kind: 'container', container: 'side' }), "cannot join the network of side: it shares app's");
  });

  it('connect and disconnect where there is no endpoint to make or take', () => {
    const e = engine();
    e.networkCreate('n2');
    e.run('app');
    e.runShared('h', { kind: 'host' });
    e.runShared('iso', { kind: 'none' });
    refuses(e, () => e.connect('n2', 'h'), 'container sharing network namespace with another container or host cannot be connected to any other network');
    refuses(e, () => e.connect('n2', 'iso'), 'container cannot be connected to multiple networks with one of the networks in private (none) mode');
    refuses(e, () => e.connect('bridge', 'app'), 'endpoint with name app already exists in network bridge');
    refuses(e, () => e.connect('n2', 'ghost'), 'No such container: ghost');
    refuses(e, () => e.disconnect('n2', 'app'), 'container app is not connected to network n2');
  });

  it('docker rm of a namespace others share, and network rm of the default or a network in use', () => {
    for (const [docker, held] of [['27', /^error while removing network: network n2 id [0-9a-f]{64} has active endpoints$/], ['28', /^error while removing network: network n2 has active endpoints \(name:"app" id:"[0-9a-f]{12}"\)$/]] as const) {
      const e = engine(docker);
      e.networkCreate('n2');
      e.run('app', { network: 'n2' });
      e.runShared('side', { kind: 'container', container: 'app' });
      refuses(e, () => e.rm('app'), 'cannot remove container app: side shares its network namespace (--network container:app)');
      refuses(e, () => e.networkRm('bridge'), 'bridge is a pre-defined network and cannot be removed');
      refuses(e, () => e.networkRm('n2'), held);
    }
  });

  it('a macvlan network without a parent, or a second one on the same parent', () => {
    const e = engine();
    refuses(e, () => e.networkCreate('mv', { driver: 'macvlan' }), 'nslab builds macvlan networks on a parent link only');
    e.networkCreate('mv', { driver: 'macvlan', parent: 'eth0' });
    refuses(e, () => e.networkCreate('mv2', { driver: 'macvlan', parent: 'eth0' }), 'network mv is already using parent interface eth0');
  });
});

describe("the Engine decides; the network's driver makes", () => {
  it('a bridge network is a bridge and rules; a macvlan network is nothing until a container joins', () => {
    const e = engine();
    expect(lines(e.networkCreate('br', { subnet: '10.1.0.0/24' }).bridge)[0]).toMatch(/^ip -n nslab-eng-host link add name br-[0-9a-f]{12} type bridge$/);
    const mv = e.networkCreate('mv', { driver: 'macvlan', parent: 'eth0', subnet: '192.168.50.0/24' });
    expect(mv.ops).toEqual([]);
    const joined = lines(e.run('m1', { network: 'mv' }).ops);
    expect(joined.filter((l) => l.includes('type macvlan'))).toEqual([expect.stringMatching(/^ip -n nslab-eng-host link add link eth0 name eth0 .* netns nslab-eng-m1 type macvlan mode bridge$/)]);
    // No rules on the docker host, no bridge port for a macvlan endpoint, and -p publishes nothing through it.
    expect(joined.filter((l) => l.includes('nslab-eng-host') && /iptables|nft|master/.test(l))).toEqual([]);
    expect(e.publish(e.network('mv'), e.sandboxes.get('m1')!.endpoints[0]!, [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }])).toEqual([]);
    // It leaves by its own link, in the container; a veth leaves by its host end.
    expect(lines(e.disconnect('mv', 'm1'))[0]).toBe('ip -n nslab-eng-m1 link del dev eth0');
    e.run('b1', { network: 'br' });
    expect(lines(e.disconnect('br', 'b1'))[0]).toMatch(/^ip -n nslab-eng-host link del dev veth/);
  });

  it('the second network connected with a higher --gw-priority takes the default route', () => {
    const e = engine();
    e.networkCreate('n2', { subnet: '10.2.0.0/24' });
    e.run('app');
    const connected = lines(e.connect('n2', 'app', { gwPriority: 5 }).ops);
    expect(connected).toContain('ip -n nslab-eng-app route replace default via 10.2.0.1 dev eth1');
  });
});
