import { DOCKER0, WAN } from '../src/docker/defaults.js';
import { attachContainer, createBridgeNetwork, createContainerNamespace, type BridgeNetwork, type Endpoint } from '../src/docker/bridge-network.js';
import { connectInternet } from '../src/docker/internet.js';
import { enableForwarding, forwardAccept, masquerade } from '../src/docker/nat.js';
import type { LabContext, LabDefinition, LabModel, LabNode } from '../src/lab/definition.js';
import { assertNoOverlap, Ipam, parseSubnet } from '../src/model/ipam.js';
import { assertRoomFor, validateContainerCount } from '../src/model/lab-options.js';
import { nsName, ruleTag } from '../src/model/names.js';
import { linkTag, linkUp, netnsAdd } from '../src/ops/ip.js';
import { tableAdopt } from '../src/ops/iptables.js';
import type { Step } from '../src/plan/plan.js';
import type { Expectation } from '../src/verify/expectation.js';

function build(ctx: LabContext): LabModel {
  const rootNs = ctx.options.rootNs === true;
  // In root-namespace mode (a throwaway VM) the machine itself is the docker host.
  const host = rootNs ? undefined : nsName(ctx.name, 'host');
  const wan = nsName(ctx.name, 'wan');
  const subnet = String(ctx.options.subnet ?? DOCKER0.subnet);
  const count = validateContainerCount(ctx.options.containers ?? 2);
  const net: BridgeNetwork = { name: 'bridge', bridge: String(ctx.options.bridge ?? DOCKER0.bridge), ipam: new Ipam(subnet), hostNs: host };
  assertNoOverlap([
    { name: 'the sandbox internet', subnet: parseSubnet(WAN.subnet) },
    { name: 'the internet server', subnet: parseSubnet(`${WAN.server}/32`) },
    { name: `bridge ${net.bridge}`, subnet: net.ipam.subnet },
  ]);
  assertRoomFor(net.ipam, count);
  const tools = { brctl: ctx.env.brctl };
  const tag = ruleTag(ctx.name);
  const hostName = host ?? 'the root namespace';
  const [bridgeAdd, ...bridgeConfig] = createBridgeNetwork(net, tools);

  const steps: Step[] = [
    {
      title: 'Create the docker host',
      why: rootNs
        ? 'Root-namespace mode: the machine nslab runs on is the docker host, as on a real\nDocker machine. Everything nslab adds to it is tagged and removed on teardown.'
        : 'The "docker host" is itself a network namespace, so its docker0 bridge, routes and\niptables rules are its own and the machine\'s real network is never touched.',
      docker: ['(a machine running dockerd)'],
      ops: host === undefined ? [] : [netnsAdd(host), linkUp(host, 'lo')],
    },
    {
      title: 'Connect the host to "the internet"',
      why: `The host's uplink is a veth to a namespace playing the internet (${WAN.subnet}), which also\nholds an "internet server" at ${WAN.server}. It has no route back to ${net.ipam.subnet.cidr}, like a real ISP.`,
      docker: ["(the host's uplink; Docker does not create it)"],
      ops: connectInternet(host, wan, ctx.name),
    },
    {
      title: `Create the ${net.bridge} bridge`,
      why: `dockerd creates the bridge ${net.bridge} with gateway ${net.ipam.gateway} on ${net.ipam.subnet.cidr}: a virtual\nswitch that every container on the default network plugs into.`,
      docker: ['dockerd (on start)', 'docker network inspect bridge'],
      ops: [bridgeAdd!, ...(rootNs ? [linkTag(host, net.bridge, tag)] : []), ...bridgeConfig],
    },
    {
      title: 'Turn on forwarding and MASQUERADE',
      why: `The host must route between ${net.bridge} and its uplink (ip_forward), and rewrite the private\nsource address of outgoing container traffic to its own (MASQUERADE) so replies find their way back.`,
      docker: ['dockerd (on start)'],
      ops: [
        enableForwarding(host),
        ...(rootNs ? [tableAdopt(host, 'nat'), tableAdopt(host, 'filter')] : []),
        masquerade(host, ctx.name, net.ipam.subnet, net.bridge),
        ...(rootNs ? forwardAccept(host, ctx.name, net.bridge) : []),
      ],
    },
  ];

  const endpoints: Endpoint[] = [];
  const nodes: Record<string, LabNode> = { host: { ns: host, role: 'host' }, wan: { ns: wan, role: 'wan' } };
  for (let i = 1; i <= count; i++) {
    const name = `c${i}`;
    const ns = nsName(ctx.name, name);
    const { endpoint, ops } = attachContainer(net, { name, ns }, tools);
    endpoints.push(endpoint);
    nodes[name] = { ns, role: 'container' };
    steps.push({
      title: `Start container ${name}`,
      why: `A container is a network namespace. Its eth0 is one end of a veth pair; the other end,\n${endpoint.hostIf}, is plugged into ${net.bridge} (in ${hostName}). It gets the next free address (${endpoint.address}) and a\ndefault route via the gateway.`,
      docker: [`docker run -d --name ${name} busybox sleep infinity`],
      ops: [...createContainerNamespace(ns), ...ops],
    });
  }

  const [c1, c2] = endpoints as [Endpoint, Endpoint | undefined];
  const expectations: Expectation[] = [
    { title: `c1 -> gateway ${net.ipam.gateway}`, probe: { kind: 'ping', from: 'c1', to: net.ipam.gateway }, expect: 'reach' },
    ...(c2 === undefined
      ? []
      : ([
          { title: `c1 -> c2 (${c2.address})`, probe: { kind: 'ping', from: 'c1', to: c2.address }, expect: 'reach' },
          { title: `c2 -> c1 (${c1.address})`, probe: { kind: 'ping', from: 'c2', to: c1.address }, expect: 'reach' },
        ] satisfies Expectation[])),
    { title: `c1 -> internet server ${WAN.server}`, probe: { kind: 'ping', from: 'c1', to: WAN.server }, expect: 'reach' },
    {
      title: `wan sees c1 as ${WAN.hostAddress} (MASQUERADE)`,
      probe: { kind: 'source', from: 'c1', server: 'wan', to: WAN.server, port: 0, source: WAN.hostAddress },
      expect: 'reach',
    },
    { title: `wan -> c1 (${c1.address})`, probe: { kind: 'ping', from: 'wan', to: c1.address }, expect: 'fail' },
  ];

  return { id: 'docker0', name: ctx.name, title: docker0Lab.title, nodes, steps, expectations };
}

export const docker0Lab: LabDefinition = {
  id: 'docker0',
  title: "Docker's default bridge, docker0, by hand",
  summary: 'docker0 bridge, two containers on veth pairs, ip_forward + MASQUERADE to a sandbox internet',
  options: {
    subnet: `container subnet (default ${DOCKER0.subnet})`,
    containers: 'how many containers (default 2)',
    bridge: `bridge name (default ${DOCKER0.bridge})`,
    rootNs: 'build in the root namespace (a throwaway VM only)',
  },
  build,
};
