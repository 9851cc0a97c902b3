import { DOCKER0, WAN } from '../src/docker/defaults.js';
import { attachContainer, createBridgeNetwork, createContainerNamespace, type BridgeNetwork, type Endpoint, type Tools } from '../src/docker/bridge-network.js';
import { connectInternet } from '../src/docker/internet.js';
import { enableForwarding, masquerade } from '../src/docker/nat.js';
import { cmd, type Cmd } from '../src/exec/command.js';
import type { LabContext, LabNode } from '../src/lab/definition.js';
import { Ipam } from '../src/model/ipam.js';
import { nsName } from '../src/model/names.js';
import { linkUp, netnsAdd } from '../src/ops/ip.js';
import type { Op } from '../src/ops/op.js';
import type { Step } from '../src/plan/plan.js';
import type { Expectation } from '../src/verify/expectation.js';

// The pieces the docker0-based labs (docker0, egress, ports) share: a docker host in a
// namespace, its uplink to the sandbox internet, the docker0 bridge, NAT, and containers.

export interface DockerHost {
  readonly lab: string;
  readonly host: string;
  readonly wan: string;
  readonly net: BridgeNetwork;
  readonly tools: Tools;
  readonly nodes: Record<string, LabNode>;
}

export function dockerHost(ctx: LabContext): DockerHost {
  const host = nsName(ctx.name, 'host');
  const wan = nsName(ctx.name, 'wan');
  return {
    lab: ctx.name,
    host,
    wan,
    net: { name: 'bridge', bridge: DOCKER0.bridge, ipam: new Ipam(DOCKER0.subnet), hostNs: host },
    tools: { brctl: ctx.env.brctl },
    nodes: { host: { ns: host, role: 'host' }, wan: { ns: wan, role: 'wan' } },
  };
}

export function hostStep(h: DockerHost): Step {
  return {
    title: 'Create the docker host',
    why: 'The "docker host" is itself a network namespace, so its docker0 bridge, routes and\niptables rules are its own and the machine\'s real network is never touched.',
    docker: ['(a machine running dockerd)'],
    ops: [netnsAdd(h.host), linkUp(h.host, 'lo')],
  };
}

export function internetStep(h: DockerHost): Step {
  return {
    title: 'Connect the host to "the internet"',
    why: `The host's eth0 is a veth to a namespace playing the internet (${WAN.subnet}), which also\nholds an "internet server" at ${WAN.server}. It has no route back to 172.17.0.0/16, like a real ISP.`,
    docker: ["(the host's uplink; Docker does not create it)"],
    ops: connectInternet(h.host, h.wan),
  };
}

/** `brctl show <bridge>` where bridge-utils is installed (as the articles use), else iproute2's view. */
export function bridgeShow(h: DockerHost): Cmd {
  return h.tools.brctl ? cmd('brctl', ['show', h.net.bridge], h.host) : cmd('ip', ['-o', 'link', 'show', 'master', h.net.bridge], h.host);
}

export function bridgeStep(h: DockerHost, extra: Pick<Step, 'checks' | 'show'> = {}): Step {
  return {
    title: 'Create the docker0 bridge',
    why: `dockerd creates the bridge docker0 with gateway ${h.net.ipam.gateway} on ${DOCKER0.subnet}: a virtual\nswitch that every container on the default network plugs into.`,
    docker: ['dockerd (on start)', 'docker network inspect bridge'],
    ops: createBridgeNetwork(h.net, h.tools),
    ...extra,
  };
}

export const forwardingOp = (h: DockerHost): Op => enableForwarding(h.host);
export const masqueradeOp = (h: DockerHost): Op => masquerade(h.host, h.lab, h.net.ipam.subnet, h.net.bridge);

/** Starts a container on docker0 and records it as a node. */
export function containerStep(
  h: DockerHost,
  name: string,
  extra: (ep: Endpoint) => Pick<Step, 'checks' | 'show'> = () => ({}),
): { step: Step; endpoint: Endpoint } {
  const ns = nsName(h.lab, name);
  const { endpoint, ops } = attachContainer(h.net, { name, ns }, h.tools);
  h.nodes[name] = { ns, role: 'container' };
  const step: Step = {
    title: `Start container ${name}`,
    why: `A container is a network namespace. Its eth0 is one end of a veth pair; the other end,\n${endpoint.hostIf}, is plugged into docker0. It gets the next free address (${endpoint.address}) and a\ndefault route via the gateway.`,
    docker: [`docker run -d --name ${name} busybox sleep infinity`],
    ops: [...createContainerNamespace(ns), ...ops],
    ...extra(endpoint),
  };
  return { step, endpoint };
}

export const ping = (title: string, from: string, to: string, expect: 'reach' | 'fail' = 'reach'): Expectation => ({ title, probe: { kind: 'ping', from, to }, expect });

/** A state check: `argv` run inside `node` prints something matching `match`. */
export const holds = (title: string, node: string, argv: readonly string[], match: string, after?: { from: string; to: string }): Expectation => ({
  title,
  probe: { kind: 'output', node, argv, match, after },
  expect: 'reach',
});
