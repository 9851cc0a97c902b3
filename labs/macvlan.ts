import { say } from '../src/text/say.js';
import { WAN } from '../src/model/defaults.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { addrAdd, linkUp, macvlanAdd, routeAdd } from '../src/ops/ip.js';
import type { Step } from '../src/plan/plan.js';
import type { Expectation } from '../src/plan/expectation.js';
import { dockerHost, hostStep, internetStep } from '../src/docker/host.js';
import * as docker from '../src/docker/scene.js';

const TITLE = say`macvlan: containers as neighbours on the uplink LAN`;

// A macvlan network on the uplink's own LAN, a range of it for containers, and one address
// kept back for the host's shim.
const MACNET = { name: 'macnet', range: '198.51.100.64/28', shim: '198.51.100.78', shimIf: 'macnet-shim' } as const;
const CONTAINERS = [
  { name: 'c1', address: '198.51.100.65' },
  { name: 'c2', address: '198.51.100.66' },
] as const;

function build(ctx: LabContext): LabScene {
  const h = dockerHost(ctx);
  const { host, wan } = h;
  const uplink = WAN.uplink;
  const [c1, c2] = CONTAINERS;
  const macnet = docker.networkCreate(h.engine, { name: MACNET.name, driver: 'macvlan', subnet: WAN.subnet, gateway: WAN.wanAddress, ipRange: MACNET.range, auxAddresses: { shim: MACNET.shim }, parent: uplink, options: { parent: uplink } });
  const runs = CONTAINERS.map((c) => docker.run(h.engine, { name: c.name, network: MACNET.name, ip: c.address, image: 'nginx' }));

  const hostCannotReach: Expectation[] = [
    { title: say`host -> c1 (${c1.address}): a parent cannot reach its macvlan children`, probe: { kind: 'ping', from: 'host', to: c1.address }, expect: 'fail' },
  ];

  const steps: Step[] = [
    hostStep(h),
    internetStep(h),
    {
      title: say`dockerd starts`,
      why: say`Every docker host has the default bridge (${h.net.bridge}, ${h.net.ipam.subnet.cidr}) and dockerd's rules, whichever driver its containers use.`,
      docker: [say`dockerd (on start)`],
      ops: [...h.start.bridge, ...h.start.firewall],
    },
    {
      title: say`Create the macvlan network ${MACNET.name}`,
      why:
        say`A macvlan network is a subnet on the parent's own LAN (${WAN.subnet}, its router ${WAN.wanAddress} as gateway) and a
range of it for containers (${MACNET.range}); ${MACNET.shim} is kept out of it for the host's shim. dockerd creates
nothing yet: no bridge, no rules. The children are made as containers join.`,
      docker: [macnet.line],
      ops: macnet.ops,
    },
    ...CONTAINERS.map(
      (c, i): Step => ({
        title: say`Start ${c.name} on the macvlan network`,
        why:
          say`The macvlan driver makes no bridge, no veth and no NAT: ${c.name}'s eth0 is a macvlan child of the host's\n${uplink}, with its own MAC, created straight into its namespace. It takes ${c.address} on the uplink's own\nsubnet (${WAN.subnet}) and the LAN's router (${WAN.wanAddress}) as gateway: to the outside it is just another machine.`,
        docker: [runs[i]!.line],
        ops: runs[i]!.ops,
        checks: i === CONTAINERS.length - 1 ? hostCannotReach : undefined,
      }),
    ),
    {
      title: say`Give the host a macvlan shim`,
      why:
        say`The kernel never hands frames between a macvlan parent and its children, so the host cannot reach c1/c2\nover ${uplink}. The usual fix: a macvlan interface for the host itself (${MACNET.shimIf}, ${MACNET.shim}, reserved with\n--aux-address), a sibling of the children, and a route to their range (${MACNET.range}) through it.`,
      docker: [say`(not Docker: what the macvlan docs tell the host's admin to add)`],
      ops: [
        macvlanAdd(host, uplink, MACNET.shimIf, host),
        addrAdd(host, MACNET.shimIf, `${MACNET.shim}/32`),
        linkUp(host, MACNET.shimIf),
        routeAdd(host, { to: MACNET.range, dev: MACNET.shimIf }),
      ],
      checks: [{ title: say`host -> c1 (${c1.address}) through the shim`, probe: { kind: 'ping', from: 'host', to: c1.address }, expect: 'reach' }],
    },
  ];

  const expectations: Expectation[] = [
    { title: say`wan -> c1 (${c1.address}): a neighbour on the LAN, no NAT`, probe: { kind: 'ping', from: 'wan', to: c1.address }, expect: 'reach' },
    {
      title: say`wan sees c1 as ${c1.address} (its own address, no MASQUERADE)`,
      probe: { kind: 'source', from: 'c1', server: 'wan', to: WAN.wanAddress, port: 0, source: c1.address },
      expect: 'reach',
    },
    { title: say`c1 -> c2 (${c2.address}): siblings on one parent`, probe: { kind: 'ping', from: 'c1', to: c2.address }, expect: 'reach' },
    { title: say`host -> c1 through the shim`, probe: { kind: 'ping', from: 'host', to: c1.address }, expect: 'reach' },
    {
      title: say`host -> c1 out of the parent ${uplink} itself (ping -I ${uplink})`,
      probe: { kind: 'ping', from: 'host', to: c1.address, dev: uplink },
      expect: 'fail',
    },
  ];

  return {
    nodes: {
      host: { ns: host, role: 'host' },
      wan: { ns: wan, role: 'wan' },
      c1: { ns: runs[0]!.endpoint.ns, role: 'container' },
      c2: { ns: runs[1]!.endpoint.ns, role: 'container' },
    },
    steps,
    expectations,
    dockerHost: h.engine,
    trace: { from: 'wan', to: c1.address, look: say`a neighbour on the LAN reaches c1 straight through the parent: no bridge, no NAT on the way` },
  };
}

export const macvlanLab = defineLab({
  id: 'macvlan',
  number: 9,
  title: TITLE,
  summary: say`macvlan children of the host's uplink on 198.51.100.0/24, reachable without NAT; the host needs a shim`,
  article:
    say`chapter 4's driver list, macvlan: a container gets its own MAC address on the network, and can be reached by it`,
  build,
});
