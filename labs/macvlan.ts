import { createContainerNamespace } from '../src/docker/bridge-network.js';
import { WAN } from '../src/docker/defaults.js';
import { endpointMac } from '../src/docker/mac.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { nsName } from '../src/model/names.js';
import { addrAdd, linkUp, macvlanAdd, routeAdd } from '../src/ops/ip.js';
import type { Step } from '../src/plan/plan.js';
import type { Expectation } from '../src/verify/expectation.js';
import { dockerHost, hostStep, internetStep } from '../src/docker/host.js';

const TITLE = 'macvlan: containers as neighbours on the uplink LAN';

// `docker network create -d macvlan --subnet 198.51.100.0/24 --gateway 198.51.100.1
//  --ip-range 198.51.100.64/28 --aux-address shim=198.51.100.78 -o parent=eth0 macnet`
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

  const hostCannotReach: Expectation[] = [
    { title: `host -> c1 (${c1.address}): a parent cannot reach its macvlan children`, probe: { kind: 'ping', from: 'host', to: c1.address }, expect: 'fail' },
  ];

  const steps: Step[] = [
    hostStep(h),
    internetStep(h),
    ...CONTAINERS.map(
      (c, i): Step => ({
        title: `Start ${c.name} on the macvlan network`,
        why:
          `The macvlan driver makes no bridge, no veth and no NAT: ${c.name}'s eth0 is a macvlan child of the host's\n` +
          `${uplink}, with its own MAC, created straight into its namespace. It takes ${c.address} on the uplink's own\n` +
          `subnet (${WAN.subnet}) and the LAN's router (${WAN.wanAddress}) as gateway: to the outside it is just another machine.`,
        docker: [`docker run -d --network ${MACNET.name} --ip ${c.address} --name ${c.name} nginx`],
        ops: [
          ...createContainerNamespace(nsName(ctx.name, c.name)),
          // Docker 27 derives a macvlan endpoint's MAC from its address too; 28 made it random.
          macvlanAdd(host, uplink, 'eth0', nsName(ctx.name, c.name), 'bridge', endpointMac(h.profile, c.address, ctx.name, MACNET.name, c.name)),
          addrAdd(nsName(ctx.name, c.name), 'eth0', `${c.address}/${WAN.prefix}`),
          linkUp(nsName(ctx.name, c.name), 'eth0'),
          routeAdd(nsName(ctx.name, c.name), { to: 'default', via: WAN.wanAddress }),
        ],
        checks: i === CONTAINERS.length - 1 ? hostCannotReach : undefined,
      }),
    ),
    {
      title: 'Give the host a macvlan shim',
      why:
        `The kernel never hands frames between a macvlan parent and its children, so the host cannot reach c1/c2\n` +
        `over ${uplink}. The usual fix: a macvlan interface for the host itself (${MACNET.shimIf}, ${MACNET.shim}, reserved with\n` +
        `--aux-address), a sibling of the children, and a route to their range (${MACNET.range}) through it.`,
      docker: ['(not Docker: what the macvlan docs tell the host\'s admin to add)'],
      ops: [
        macvlanAdd(host, uplink, MACNET.shimIf, host),
        addrAdd(host, MACNET.shimIf, `${MACNET.shim}/32`),
        linkUp(host, MACNET.shimIf),
        routeAdd(host, { to: MACNET.range, dev: MACNET.shimIf }),
      ],
      checks: [{ title: `host -> c1 (${c1.address}) through the shim`, probe: { kind: 'ping', from: 'host', to: c1.address }, expect: 'reach' }],
    },
  ];

  const expectations: Expectation[] = [
    { title: `wan -> c1 (${c1.address}): a neighbour on the LAN, no NAT`, probe: { kind: 'ping', from: 'wan', to: c1.address }, expect: 'reach' },
    {
      title: `wan sees c1 as ${c1.address} (its own address, no MASQUERADE)`,
      probe: { kind: 'source', from: 'c1', server: 'wan', to: WAN.wanAddress, port: 0, source: c1.address },
      expect: 'reach',
    },
    { title: `c1 -> c2 (${c2.address}): siblings on one parent`, probe: { kind: 'ping', from: 'c1', to: c2.address }, expect: 'reach' },
    { title: `host -> c1 through the shim`, probe: { kind: 'ping', from: 'host', to: c1.address }, expect: 'reach' },
    {
      title: `host -> c1 out of the parent ${uplink} itself (ping -I ${uplink})`,
      probe: { kind: 'ping', from: 'host', to: c1.address, dev: uplink },
      expect: 'fail',
    },
  ];

  return {
    nodes: {
      host: { ns: host, role: 'host' },
      wan: { ns: wan, role: 'wan' },
      c1: { ns: nsName(ctx.name, c1.name), role: 'container' },
      c2: { ns: nsName(ctx.name, c2.name), role: 'container' },
    },
    steps,
    expectations,
    dockerHost: h.engine,
    trace: { from: 'wan', to: c1.address, look: 'a neighbour on the LAN reaches c1 straight through the parent: no bridge, no NAT on the way' },
  };
}

export const macvlanLab = defineLab({
  id: 'macvlan',
  number: 9,
  title: TITLE,
  summary: "macvlan children of the host's uplink on 198.51.100.0/24, reachable without NAT; the host needs a shim",
  article:
    'chapter 4\'s driver list, macvlan: a container gets its own MAC address on the network, and can be reached by it',
  build,
});
