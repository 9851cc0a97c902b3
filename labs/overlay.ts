import type { BridgeNetwork } from '../src/docker/bridge-network.js';
import type { LabContext, LabDefinition, LabModel, LabNode } from '../src/lab/definition.js';
import { Ipam } from '../src/model/ipam.js';
import { nsName } from '../src/model/names.js';
import { addrAdd, bridgeAdd, linkSetMaster, linkUp, netnsAdd, vethAdd, vxlanAdd } from '../src/ops/ip.js';
import type { Step } from '../src/plan/plan.js';
import type { Expectation } from '../src/verify/expectation.js';
import { runContainer } from './common.js';

const TITLE = 'Overlay: one subnet across two docker hosts with VXLAN';

// Docker allocates overlay VNIs from 4096 and sends VXLAN on UDP 4789.
const VXLAN = { vni: 4096, port: 4789, dev: 'vxlan0', bridge: 'br0' } as const;
// The hosts' uplinks, on the sandbox's documentation range (as the docker host is in the other labs).
const UNDERLAY = { prefix: 24, hosts: ['198.51.100.2', '198.51.100.3'] } as const;
const HOSTS = ['host1', 'host2'] as const;

/** An address as a regular expression matching it literally. */
const esc = (address: string): string => address.replaceAll('.', '\\.');

function build(ctx: LabContext): LabModel {
  const tools = { brctl: ctx.env.brctl };
  const hostNs = HOSTS.map((h) => nsName(ctx.name, h)) as [string, string];
  // One IPAM for the whole overlay network: in swarm it is cluster-wide, so addresses never clash across hosts.
  const ipam = new Ipam('10.0.0.0/24');
  const nets: BridgeNetwork[] = hostNs.map((ns) => ({ name: 'ovnet', bridge: VXLAN.bridge, ipam, hostNs: ns }));
  const containers = HOSTS.map((_, i) => {
    const name = `c${i + 1}`;
    // No default route: an overlay-only container has no way out (Docker adds docker_gwbridge for that).
    return { name, ...runContainer(nets[i]!, { name, ns: nsName(ctx.name, name) }, { ...tools, defaultRoute: false }) };
  });
  const [c1, c2] = containers as [(typeof containers)[0], (typeof containers)[0]];

  const crossHost = (expect: 'reach' | 'fail'): Expectation => ({
    title: `c1 (host1) -> c2 (host2, ${c2.endpoint.address})`,
    probe: { kind: 'ping', from: 'c1', to: c2.endpoint.address },
    expect,
  });

  const steps: Step[] = [
    {
      title: 'Create two docker hosts',
      why: 'Two namespaces play two machines running dockerd in one swarm, each with its own bridges and routes.',
      docker: ['(two machines running dockerd)', 'docker swarm init / docker swarm join'],
      ops: hostNs.flatMap((ns) => [netnsAdd(ns), linkUp(ns, 'lo')]),
    },
    {
      title: 'Join them by the underlay',
      why: `The network the hosts already share (their LAN, ${UNDERLAY.hosts[0]} and ${UNDERLAY.hosts[1]}): a veth between their eth0s.\nIt knows nothing of container addresses; the overlay rides on top of it.`,
      docker: ["(the hosts' own network)"],
      ops: [
        vethAdd({ ns: hostNs[0], name: 'eth0', peerNs: hostNs[1], peerName: 'eth0' }),
        ...hostNs.flatMap((ns, i) => [addrAdd(ns, 'eth0', `${UNDERLAY.hosts[i]}/${UNDERLAY.prefix}`), linkUp(ns, 'eth0')]),
      ],
    },
    {
      title: 'Create the overlay network bridge on each host',
      why: `For an overlay network Docker builds, on every host that runs one of its containers, a bridge (shown as ${VXLAN.bridge}\nin the network's own namespace). Containers on the same host meet there.`,
      docker: ['docker network create -d overlay --subnet 10.0.0.0/24 --attachable ovnet'],
      ops: hostNs.flatMap((ns) => [bridgeAdd(ns, VXLAN.bridge, tools), linkUp(ns, VXLAN.bridge)]),
    },
    {
      title: 'Start c1 on host1 and c2 on host2',
      why: `Both in ovnet's one subnet: c1 ${c1.endpoint.address}, c2 ${c2.endpoint.address}, each plugged into its own host's ${VXLAN.bridge}.\nThe two bridges are not joined yet, so c1 and c2 think they share a LAN but cannot hear each other.`,
      docker: ['docker run -d --network ovnet --name c1 nginx   # on host1', 'docker run -d --network ovnet --name c2 nginx   # on host2'],
      ops: [...c1.ops, ...c2.ops],
      checks: [crossHost('fail')],
    },
    {
      title: 'Join the bridges with VXLAN',
      why:
        `Each host gets a VXLAN interface (VNI ${VXLAN.vni}, UDP ${VXLAN.port}) on its ${VXLAN.bridge}: Ethernet frames for the other host are\n` +
        `wrapped in UDP datagrams to its underlay address. (Docker learns where each container lives by gossip and\n` +
        'programs the forwarding table; with two hosts, one remote per tunnel says the same.)',
      docker: ['(dockerd, when the first container on ovnet starts on each host)'],
      ops: hostNs.flatMap((ns, i) => [
        vxlanAdd(ns, { name: VXLAN.dev, vni: VXLAN.vni, local: UNDERLAY.hosts[i]!, remote: UNDERLAY.hosts[1 - i]!, dev: 'eth0', dstport: VXLAN.port }),
        linkSetMaster(ns, VXLAN.dev, VXLAN.bridge, tools),
        linkUp(ns, VXLAN.dev),
      ]),
      checks: [crossHost('reach')],
    },
  ];

  const nodes: Record<string, LabNode> = {
    host1: { ns: hostNs[0], role: 'host' },
    host2: { ns: hostNs[1], role: 'host' },
    c1: { ns: nsName(ctx.name, 'c1'), role: 'container' },
    c2: { ns: nsName(ctx.name, 'c2'), role: 'container' },
  };

  const expectations: Expectation[] = [
    crossHost('reach'),
    { title: `c2 (host2) -> c1 (host1, ${c1.endpoint.address})`, probe: { kind: 'ping', from: 'c2', to: c1.endpoint.address }, expect: 'reach' },
    {
      title: `underlay carries c1 -> c2 as UDP ${VXLAN.port}, VNI ${VXLAN.vni} (tcpdump on host1 eth0)`,
      probe: {
        kind: 'capture',
        on: 'host1',
        iface: 'eth0',
        filter: ['udp', 'port', String(VXLAN.port)],
        from: 'c1',
        to: c2.endpoint.address,
        // tcpdump prints the outer header (UDP to 4789, decoded as VXLAN with its VNI), then the inner packet.
        match: [
          `${esc(UNDERLAY.hosts[0])}\\.\\d+ > ${esc(UNDERLAY.hosts[1])}\\.${VXLAN.port}: VXLAN[^\\n]*vni ${VXLAN.vni}\\n`,
          `[^\\n]*${esc(c1.endpoint.address)} > ${esc(c2.endpoint.address)}: ICMP echo request`,
        ].join(''),
      },
      expect: 'reach',
    },
    { title: `host1 -> c2 (${c2.endpoint.address}): the underlay has no route to containers`, probe: { kind: 'ping', from: 'host1', to: c2.endpoint.address }, expect: 'fail' },
  ];

  return { id: 'overlay', name: ctx.name, title: TITLE, nodes, steps, expectations };
}

export const overlayLab: LabDefinition = {
  id: 'overlay',
  number: 10,
  title: TITLE,
  summary: 'two docker hosts, a VXLAN (VNI 4096, UDP 4789) on each bridge: one 10.0.0.0/24 across both, seen by tcpdump',
  article:
    '"Docker Netowrk" and "Docker 네트워크 구성", overlay: one network across several docker daemons (hosts)',
  build,
};
