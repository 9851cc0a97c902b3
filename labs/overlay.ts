import { say } from '../src/text/say.js';
import { Engine } from '../src/docker/engine.js';
import { Swarm, VXLAN_OVERHEAD, VXLAN_PORT, vxlanName, type SwarmNode } from '../src/docker/swarm.js';
import { cmd } from '../src/exec/command.js';
import { defineLab, type LabContext, type LabScene, type LabNode } from '../src/plan/lab.js';
import { nsName } from '../src/model/names.js';
import { addrAdd, linkUp, netnsAdd, vethAdd } from '../src/ops/ip.js';
import type { Step } from '../src/plan/plan.js';
import type { Expectation } from '../src/plan/expectation.js';
import { labProfile } from '../src/docker/host.js';
import * as docker from '../src/docker/scene.js';

const TITLE = say`Overlay: one subnet across two docker hosts with VXLAN`;

// The hosts' uplinks, on the sandbox's documentation range (as the docker host is in the other labs).
const UNDERLAY = { prefix: 24, mtu: 1500, hosts: ['198.51.100.2', '198.51.100.3'] } as const;
const HOSTS = ['host1', 'host2'] as const;
const OVNET = 'ovnet';
/** The largest ICMP payload that fits the overlay unfragmented: its MTU less IPv4 (20) and ICMP (8). */
const LARGEST_PING = UNDERLAY.mtu - VXLAN_OVERHEAD - 28;

/** An address as a regular expression matching it literally. */
const esc = (address: string): string => address.replaceAll('.', '\\.');

function build(ctx: LabContext): LabScene {
  const tools = { brctl: ctx.env.brctl };
  const profile = labProfile(ctx);
  // Two docker hosts in one swarm, each with docker0 and docker_gwbridge (enable_icc=false,
  // masquerade on: default_gateway_linux.go), where a container on an overlay gets a second
  // endpoint for traffic leaving the cluster. The overlay itself is the swarm's: one ID, one
  // VNI and one address space, made on each host by its overlay driver.
  const swarm = new Swarm(ctx.name, UNDERLAY.mtu);
  const members: SwarmNode[] = HOSTS.map((h, i) => ({ ns: nsName(ctx.name, h), sandboxNs: (network) => nsName(ctx.name, `${network}${i + 1}`), underlay: UNDERLAY.hosts[i]! }));
  const hosts = members.map((n) => ({ ...n, sandboxNs: n.sandboxNs(OVNET) }));
  const engines = members.map((node) => new Engine({ lab: ctx.name, hostNs: node.ns, profile, tools, stateDir: ctx.stateDir, swarm: { cluster: swarm, node } }));
  const daemons = engines.map((e) => e.start());
  const gwbridges = engines.map((e) => e.networkCreate('docker_gwbridge', { icc: false, bridgeName: 'docker_gwbridge' }));
  const overlays = engines.map((e) => docker.networkCreate(e, { name: OVNET, driver: 'overlay', subnet: '10.0.0.0/24', attachable: true }));
  const net = swarm.network(OVNET, undefined);

  const containers = HOSTS.map((_, i) => {
    const name = `c${i + 1}`;
    const { endpoint, ops, line } = docker.run(engines[i]!, { name, network: OVNET, image: 'nginx' });
    return { name, endpoint, ops, line: `${line}   # on ${HOSTS[i]}` };
  });
  const [c1, c2] = containers as [(typeof containers)[0], (typeof containers)[0]];

  const crossHost = (expect: 'reach' | 'fail'): Expectation => ({
    title: say`c1 (host1) -> c2 (host2, ${c2.endpoint.address})`,
    probe: { kind: 'ping', from: 'c1', to: c2.endpoint.address },
    expect,
  });

  const steps: Step[] = [
    {
      title: say`Create two docker hosts`,
      why: say`Two namespaces play two machines running dockerd in one swarm, each with its own bridges and routes.`,
      docker: [say`(two machines running dockerd)`, 'docker swarm init / docker swarm join'],
      ops: hosts.flatMap((h) => [netnsAdd(h.ns), linkUp(h.ns, 'lo')]),
    },
    {
      title: say`Join them by the underlay`,
      why: say`The network the hosts already share (their LAN, ${UNDERLAY.hosts[0]} and ${UNDERLAY.hosts[1]}, MTU ${UNDERLAY.mtu}): a veth between their eth0s.\nIt knows nothing of container addresses; the overlay rides on top of it.`,
      docker: [say`(the hosts' own network)`],
      ops: [
        vethAdd({ ns: hosts[0]!.ns, name: 'eth0', peerNs: hosts[1]!.ns, peerName: 'eth0' }),
        ...hosts.flatMap((h) => [addrAdd(h.ns, 'eth0', `${h.underlay}/${UNDERLAY.prefix}`), linkUp(h.ns, 'eth0')]),
      ],
    },
    {
      title: say`dockerd on each host: docker0, docker_gwbridge and their rules`,
      why:
        say`Every docker host has its default bridge; a swarm node also has docker_gwbridge (${gwbridges[0]!.network.ipam.subnet.cidr}, containers kept\napart: enable_icc=false), through which containers on an overlay reach anything outside the cluster.`,
      docker: [say`dockerd (on start)`, say`(docker swarm join creates docker_gwbridge)`],
      ops: engines.flatMap((_, i) => [...daemons[i]!.bridge, ...daemons[i]!.firewall, ...gwbridges[i]!.ops]),
      show: [cmd('ip', ['-br', 'link'], hosts[0]!.ns)],
    },
    {
      title: say`Create the overlay network's sandbox on each host`,
      why:
        say`For an overlay network Docker makes, on every host that runs one of its containers, a namespace of the network's\nown. In it: br0, holding the gateway ${net.ipam.gateway}, and vxlan0 (VNI ${net.vni}, UDP ${VXLAN_PORT}, MTU ${net.mtu}), made in the host's\nnamespace as ${vxlanName(net)} and moved in, so its UDP socket and the tunnelled traffic stay on the host's eth0.`,
      docker: [overlays[0]!.line],
      ops: overlays.flatMap((o) => o.ops),
      show: [cmd('ip', ['-d', 'link', 'show', 'vxlan0'], hosts[0]!.sandboxNs)],
    },
    {
      title: say`Start c1 on host1 and c2 on host2`,
      why:
        say`Both in ovnet's one subnet: c1 ${c1.endpoint.address}, c2 ${c2.endpoint.address}, each on its host's br0 by a veth of MTU ${net.mtu} on both ends,\nwith the MAC derived from the address (overlay endpoints keep 02:42+IP in every version), and eth1 on\ndocker_gwbridge with the default route (the overlay gives none: libnetwork adds that endpoint). An overlay is a\nuser-defined network, so each also gets the embedded DNS on 127.0.0.11, which knows the overlay's containers on\nevery host. No host knows yet where the other container is: c1 and c2 cannot hear each other.`,
      docker: [c1.line, c2.line],
      ops: [...c1.ops, ...c2.ops],
      checks: [crossHost('fail')],
    },
    {
      title: say`Program each host with the other container (gossip)`,
      why:
        say`Docker's hosts tell each other, by gossip, where each container lives; each host then writes a permanent\nneighbour entry (the remote container's IP and MAC: vxlan0 answers ARP for it itself) and a forwarding entry\n(that MAC is behind the other host's underlay address) on its vxlan0. Frames for c2 now leave host1 as UDP to ${UNDERLAY.hosts[1]}:${VXLAN_PORT}.`,
      docker: [say`(dockerd, from the cluster gossip: peerdb.go peerAdd)`],
      ops: swarm.gossip(),
      checks: [crossHost('reach')],
      show: [cmd('bridge', ['fdb', 'show', 'dev', 'vxlan0'], hosts[0]!.sandboxNs), cmd('ip', ['neigh', 'show', 'dev', 'vxlan0'], hosts[0]!.sandboxNs)],
    },
  ];

  const nodes: Record<string, LabNode> = {
    host1: { ns: hosts[0]!.ns, role: 'host' },
    host2: { ns: hosts[1]!.ns, role: 'host' },
    // The network's own namespaces: dockerd's, not a container's.
    ovnet1: { ns: hosts[0]!.sandboxNs, role: 'host' },
    ovnet2: { ns: hosts[1]!.sandboxNs, role: 'host' },
    c1: { ns: c1.endpoint.ns, role: 'container' },
    c2: { ns: c2.endpoint.ns, role: 'container' },
  };

  const expectations: Expectation[] = [
    crossHost('reach'),
    { title: say`c2 (host2) -> c1 (host1, ${c1.endpoint.address})`, probe: { kind: 'ping', from: 'c2', to: c1.endpoint.address }, expect: 'reach' },
    {
      title: say`c1 -> c2: ${LARGEST_PING} bytes, don't fragment (the overlay's MTU, ${net.mtu})`,
      probe: { kind: 'ping', from: 'c1', to: c2.endpoint.address, size: LARGEST_PING },
      expect: 'reach',
    },
    {
      title: say`c1 -> c2: ${LARGEST_PING + 1} bytes, don't fragment (one more than fits)`,
      probe: { kind: 'ping', from: 'c1', to: c2.endpoint.address, size: LARGEST_PING + 1 },
      expect: 'fail',
    },
    {
      title: say`underlay carries c1 -> c2 as UDP ${VXLAN_PORT}, VNI ${net.vni} (tcpdump on host1 eth0)`,
      probe: {
        kind: 'capture',
        on: 'host1',
        iface: 'eth0',
        filter: ['udp', 'port', String(VXLAN_PORT)],
        from: 'c1',
        to: c2.endpoint.address,
        // tcpdump prints the outer header (UDP to 4789, decoded as VXLAN with its VNI), then the inner packet.
        match: [
          `${esc(UNDERLAY.hosts[0])}\\.\\d+ > ${esc(UNDERLAY.hosts[1])}\\.${VXLAN_PORT}: VXLAN[^\\n]*vni ${net.vni}\\n`,
          `[^\\n]*${esc(c1.endpoint.address)} > ${esc(c2.endpoint.address)}: ICMP echo request`,
        ].join(''),
      },
      expect: 'reach',
    },
    {
      title: say`c1 -> host2's ${UNDERLAY.hosts[1]} (out by docker_gwbridge: seen as host1, ${UNDERLAY.hosts[0]})`,
      probe: { kind: 'source', from: 'c1', server: 'host2', to: UNDERLAY.hosts[1], port: 0, source: UNDERLAY.hosts[0] },
      expect: 'reach',
    },
    // An overlay is a user-defined network: the embedded DNS answers for its containers on every host.
    { title: say`c1 resolves c2 (on host2) to ${c2.endpoint.address}`, probe: { kind: 'dns', from: 'c1', name: 'c2', answer: c2.endpoint.address }, expect: 'reach' },
    { title: say`host1 -> c2 (${c2.endpoint.address}): the underlay has no route to containers`, probe: { kind: 'ping', from: 'host1', to: c2.endpoint.address }, expect: 'fail' },
  ];

  const trace = { from: 'c1', to: c2.endpoint.address, look: say`c1's ping to c2 crosses the underlay wrapped in UDP ${VXLAN_PORT} with VNI ${net.vni}` };
  return { nodes, steps, expectations, trace };
}

export const overlayLab = defineLab({
  id: 'overlay',
  number: 10,
  title: TITLE,
  summary: say`two docker hosts, a per-network sandbox with br0 and vxlan0 (VNI 4096, UDP 4789, MTU 1450), docker_gwbridge for egress`,
  article:
    say`"Docker Netowrk" and "Docker 네트워크 구성", overlay: one network across several docker daemons (hosts)`,
  build,
});
