import { attachContainer, createContainerNamespace, type BridgeNetwork, type Endpoint, type Tools } from '../src/docker/bridge-network.js';
import { dnsRecord, embeddedResolver, type DnsLayout } from '../src/docker/embedded-dns.js';
import { userNetwork } from '../src/docker/user-network.js';
import type { LabContext } from '../src/lab/definition.js';
import { instanceDir } from '../src/lab/state.js';
import type { Op } from '../src/ops/op.js';
import { dockerHost } from './parts.js';

// What the labs on user-defined networks (dns, connect) and the others (modes, incident, overlay) share.

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
  const named = dns ? [dnsRecord(dns, net.name, container.name, endpoint.address), ...embeddedResolver(dns, container, [net.name], { firewall: 'iptables' })] : [];
  return { endpoint, ops: [...createContainerNamespace(container.ns), ...ops, ...named] };
}

/** The setting of the user-defined-network labs: a host with docker0 and my_bridge, and where DNS records live. */
export function twoBridgeHost(ctx: LabContext) {
  const h = dockerHost(ctx);
  const dns: DnsLayout = { stateDir: instanceDir(ctx.name), lab: ctx.name };
  return { h, host: h.host, tools: h.tools, dns, bridge: h.net, mine: userNetwork(ctx.name, h.host, 'my_bridge', '172.18.0.0/16') };
}
