import { attachContainer, createContainerNamespace, type BridgeNetwork, type Endpoint, type Tools } from '../src/docker/bridge-network.js';
import { dnsRecord, embeddedResolver, type DnsLayout } from '../src/docker/embedded-dns.js';
import { connectInternet } from '../src/docker/internet.js';
import { DOCKER0, WAN } from '../src/docker/defaults.js';
import { userNetwork } from '../src/docker/user-network.js';
import type { LabContext } from '../src/lab/definition.js';
import { instanceDir } from '../src/lab/state.js';
import { Ipam } from '../src/model/ipam.js';
import { nsName } from '../src/model/names.js';
import { linkUp, netnsAdd } from '../src/ops/ip.js';
import type { Op } from '../src/ops/op.js';
import type { Step } from '../src/plan/plan.js';

// Steps several labs share, worded once.

export function dockerHostStep(host: string, title = 'Create the docker host'): Step {
  return {
    title,
    why: 'The "docker host" is itself a network namespace, so its bridges, routes and iptables\nrules are its own and the machine\'s real network is never touched.',
    docker: ['(a machine running dockerd)'],
    ops: [netnsAdd(host), linkUp(host, 'lo')],
  };
}

export function internetStep(host: string, wan: string): Step {
  return {
    title: 'Connect the host to "the internet"',
    why: `The host's eth0 (${WAN.hostAddress}) is a veth to a namespace playing the internet (${WAN.subnet}),\nwhich also holds an "internet server" at ${WAN.server}. No packet leaves the machine.`,
    docker: ["(the host's uplink; Docker does not create it)"],
    ops: connectInternet(host, wan),
  };
}

/**
 * `docker run -d --network <net> --name <name>`: the container's namespace, its veth on the
 * bridge, and on a user-defined network (`dns` given) its DNS record and embedded resolver.
 */
export function runContainer(
  net: BridgeNetwork,
  container: { name: string; ns: string },
  tools: Tools & { defaultRoute?: boolean },
  dns?: DnsLayout,
): { endpoint: Endpoint; ops: Op[] } {
  const { endpoint, ops } = attachContainer(net, container, tools);
  const named = dns ? [dnsRecord(dns, net.name, container.name, endpoint.address), ...embeddedResolver(dns, container, [net.name])] : [];
  return { endpoint, ops: [...createContainerNamespace(container.ns), ...ops, ...named] };
}

/** Docker's default network ("bridge"): docker0 on 172.17.0.0/16 in the host namespace. */
export function defaultBridge(hostNs: string): BridgeNetwork {
  return { name: 'bridge', bridge: DOCKER0.bridge, ipam: new Ipam(DOCKER0.subnet), hostNs };
}

/** The setting of the user-defined-network labs: a host with docker0 and my_bridge, and where DNS records live. */
export function twoBridgeHost(ctx: LabContext) {
  const host = nsName(ctx.name, 'host');
  const dns: DnsLayout = { stateDir: instanceDir(ctx.name), lab: ctx.name };
  return { host, tools: { brctl: ctx.env.brctl }, dns, bridge: defaultBridge(host), mine: userNetwork(ctx.name, host, 'my_bridge', '172.18.0.0/16') };
}
