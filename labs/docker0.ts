import { DOCKER0, WAN } from '../src/docker/defaults.js';
import { attachContainer, createBridgeNetwork, createContainerNamespace, type BridgeNetwork, type Endpoint } from '../src/docker/bridge-network.js';
import { connectInternet } from '../src/docker/internet.js';
import { enableForwarding, masquerade } from '../src/docker/nat.js';
import type { LabContext, LabDefinition, LabModel, LabNode } from '../src/lab/definition.js';
import { Ipam } from '../src/model/ipam.js';
import { nsName } from '../src/model/names.js';
import { linkUp, netnsAdd } from '../src/ops/ip.js';
import type { Step } from '../src/plan/plan.js';
import type { Expectation } from '../src/verify/expectation.js';

const CONTAINERS = ['c1', 'c2'] as const;

function build(ctx: LabContext): LabModel {
  const host = nsName(ctx.name, 'host');
  const wan = nsName(ctx.name, 'wan');
  const net: BridgeNetwork = { name: 'bridge', bridge: DOCKER0.bridge, ipam: new Ipam(DOCKER0.subnet), hostNs: host };
  const tools = { brctl: ctx.env.brctl };

  const steps: Step[] = [
    {
      title: 'Create the docker host',
      why: 'The "docker host" is itself a network namespace, so its docker0 bridge, routes and\niptables rules are its own and the machine\'s real network is never touched.',
      docker: ['(a machine running dockerd)'],
      ops: [netnsAdd(host), linkUp(host, 'lo')],
    },
    {
      title: 'Connect the host to "the internet"',
      why: `The host's eth0 is a veth to a namespace playing the internet (${WAN.subnet}), which also\nholds an "internet server" at ${WAN.server}. It has no route back to 172.17.0.0/16, like a real ISP.`,
      docker: ["(the host's uplink; Docker does not create it)"],
      ops: connectInternet(host, wan),
    },
    {
      title: 'Create the docker0 bridge',
      why: `dockerd creates the bridge docker0 with gateway ${net.ipam.gateway} on ${DOCKER0.subnet}: a virtual\nswitch that every container on the default network plugs into.`,
      docker: ['dockerd (on start)', 'docker network inspect bridge'],
      ops: createBridgeNetwork(net, tools),
    },
    {
      title: 'Turn on forwarding and MASQUERADE',
      why: 'The host must route between docker0 and eth0 (ip_forward), and rewrite the private\nsource address of outgoing container traffic to its own (MASQUERADE) so replies find their way back.',
      docker: ['dockerd (on start)'],
      ops: [enableForwarding(host), masquerade(host, ctx.name, net.ipam.subnet, net.bridge)],
    },
  ];

  const endpoints: Endpoint[] = [];
  const nodes: Record<string, LabNode> = { host: { ns: host, role: 'host' }, wan: { ns: wan, role: 'wan' } };
  for (const name of CONTAINERS) {
    const ns = nsName(ctx.name, name);
    const { endpoint, ops } = attachContainer(net, { name, ns }, tools);
    endpoints.push(endpoint);
    nodes[name] = { ns, role: 'container' };
    steps.push({
      title: `Start container ${name}`,
      why: `A container is a network namespace. Its eth0 is one end of a veth pair; the other end,\n${endpoint.hostIf}, is plugged into docker0. It gets the next free address (${endpoint.address}) and a\ndefault route via the gateway.`,
      docker: [`docker run -d --name ${name} busybox sleep infinity`],
      ops: [...createContainerNamespace(ns), ...ops],
    });
  }

  const [c1, c2] = endpoints as [Endpoint, Endpoint];
  const expectations: Expectation[] = [
    { title: `c1 -> gateway ${net.ipam.gateway}`, probe: { kind: 'ping', from: 'c1', to: net.ipam.gateway }, expect: 'reach' },
    { title: `c1 -> c2 (${c2.address})`, probe: { kind: 'ping', from: 'c1', to: c2.address }, expect: 'reach' },
    { title: `c2 -> c1 (${c1.address})`, probe: { kind: 'ping', from: 'c2', to: c1.address }, expect: 'reach' },
    { title: `c1 -> internet server ${WAN.server}`, probe: { kind: 'ping', from: 'c1', to: WAN.server }, expect: 'reach' },
    {
      title: `wan sees c1 as ${WAN.hostAddress} (MASQUERADE)`,
      probe: { kind: 'source', from: 'c1', server: 'wan', to: WAN.server, port: 0, source: WAN.hostAddress },
      expect: 'reach',
    },
    { title: `wan -> c1 (${c1.address})`, probe: { kind: 'ping', from: 'wan', to: c1.address }, expect: 'fail' },
  ];

  return { id: 'docker0', name: ctx.name, title: "Docker's default bridge, docker0, by hand", nodes, steps, expectations };
}

export const docker0Lab: LabDefinition = {
  id: 'docker0',
  title: "Docker's default bridge, docker0, by hand",
  summary: 'docker0 bridge, two containers on veth pairs, ip_forward + MASQUERADE to a sandbox internet',
  build,
};
