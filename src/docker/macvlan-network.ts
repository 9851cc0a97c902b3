import { addrAdd, linkNoIpv6, linkUp, macvlanAdd, routeAdd } from '../ops/ip.js';
import type { Op } from '../ops/op.js';
import type { BridgeNetwork } from './bridge-network.js';
import type { Endpoint } from './cnm.js';

// Docker's macvlan driver (libnetwork/drivers/macvlan): no bridge, no veth, no NAT and no
// iptables rules. Each endpoint is a macvlan child of the parent link, created straight into
// the container's namespace with a MAC of its own: to the parent's LAN it is one more machine.

export const MACVLAN_MODES = ['bridge', 'private', 'vepa', 'passthru'] as const;
export type MacvlanMode = (typeof MACVLAN_MODES)[number];

export interface MacvlanNetwork extends BridgeNetwork {
  /** -o parent=...: the link the children hang off (network create itself makes nothing). */
  readonly parent: string;
  readonly mode: MacvlanMode;
}

/** An endpoint: the child ethN in the container's namespace, its address, and (first network) the default route. */
export function attachMacvlan(
  net: MacvlanNetwork,
  container: { name: string; ns: string },
  options: { ifname: string; defaultRoute: boolean; address?: string | undefined; mac: (address: string) => string },
): { endpoint: Endpoint; ops: Op[] } {
  const address = options.address === undefined ? net.ipam.allocate() : net.ipam.reserve(options.address);
  const endpoint: Endpoint = { network: net.name, container: container.name, ns: container.ns, ifname: options.ifname, hostIf: '', address, mac: options.mac(address) };
  const ops = [
    // dockerd's netlink makes it with a queue length of 0, as its veths.
    macvlanAdd(net.hostNs, net.parent, options.ifname, container.ns, net.mode, endpoint.mac, 0),
    linkNoIpv6(container.ns, options.ifname),
    addrAdd(container.ns, options.ifname, net.ipam.withPrefix(address), { broadcast: true }),
    linkUp(container.ns, options.ifname),
  ];
  if (options.defaultRoute) ops.push(routeAdd(container.ns, { to: 'default', via: net.ipam.gateway }));
  return { endpoint, ops };
}
