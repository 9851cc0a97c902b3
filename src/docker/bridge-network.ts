import { macFromIp, type Ipam } from '../model/ipam.js';
import type { Ipam6 } from '../model/ipam6.js';
import { vethName } from '../model/names.js';
import { addrAdd, bridgeAdd, linkNoIpv6, linkSetAddress, linkSetMtu, linkSetMaster, linkUp, netnsAdd, routeAdd, vethAdd } from '../ops/ip.js';
import { bridgeMac } from './mac.js';
import type { Op } from '../ops/op.js';
import type { Endpoint, Tools } from './cnm.js';

export interface BridgeNetwork {
  /** The docker network name: "bridge" for docker0, else the user's. */
  readonly name: string;
  readonly bridge: string;
  readonly ipam: Ipam;
  /** `--ipv6`: the network's IPv6 subnet and gateway. */
  readonly ipam6?: Ipam6 | undefined;
  /** Namespace of the docker host the bridge lives in. */
  readonly hostNs: string | undefined;
  /** `--internal`: no way out of the subnet, no NAT (default false). */
  readonly internal?: boolean | undefined;
  /** com.docker.network.bridge.enable_icc (default true). */
  readonly icc?: boolean | undefined;
  /** com.docker.network.driver.mtu: the bridge's and its veths' MTU; undefined: the kernel's 1500. */
  readonly mtu?: number | undefined;
  /** gateway_mode_ipv4=isolated: the bridge gets no address, so the host is not on the network at all. */
  readonly noGatewayAddress?: boolean | undefined;
}

/**
 * What dockerd does for a bridge network: the bridge with a MAC of its own, the gateway
 * address on it, link up. dockerd makes its links by netlink with a queue length of 0 (no
 * qlen in `ip link`), as it makes veths (createVeth: TxQLen 0).
 */
export function createBridgeNetwork(net: BridgeNetwork, tools: Tools): Op[] {
  return [
    bridgeAdd(net.hostNs, net.bridge, tools),
    ...(net.mtu === undefined ? [] : [linkSetMtu(net.hostNs, net.bridge, net.mtu)]),
    linkSetAddress(net.hostNs, net.bridge, bridgeMac(net.hostNs, net.bridge), 0),
    ...(net.noGatewayAddress ? [] : [addrAdd(net.hostNs, net.bridge, net.ipam.withPrefix(net.ipam.gateway), { broadcast: true })]),
    // setupBridgeIPv6: the IPv6 gateway, without duplicate address detection (IFA_F_NODAD).
    ...(net.ipam6 ? [addrAdd(net.hostNs, net.bridge, net.ipam6.withPrefix(net.ipam6.gateway), { nodad: true })] : []),
    linkUp(net.hostNs, net.bridge),
  ];
}

/** A container's own network namespace, with loopback up. */
export function createContainerNamespace(ns: string): Op[] {
  return [netnsAdd(ns), linkUp(ns, 'lo')];
}

/**
 * What `docker run --network <net>` (or `docker network connect`) does: a veth pair whose
 * host end joins the bridge and whose other end is the container's ethN, the next free
 * address, and (for the first network) a default route via the gateway.
 */
export function attachContainer(
  net: BridgeNetwork,
  container: { name: string; ns: string },
  options: Tools & { ifname?: string; defaultRoute?: boolean; address?: string; address6?: string | undefined; mac?: (address: string) => string },
): { endpoint: Endpoint; ops: Op[] } {
  const ifname = options.ifname ?? 'eth0';
  const address = options.address === undefined ? net.ipam.allocate() : net.ipam.reserve(options.address);
  const address6 = net.ipam6 && (options.address6 === undefined ? net.ipam6.allocate() : net.ipam6.reserve(options.address6));
  const endpoint: Endpoint = {
    network: net.name,
    container: container.name,
    ns: container.ns,
    ifname,
    hostIf: vethName(net.hostNs ?? '', net.name, container.name, ifname),
    address,
    ...(address6 ? { address6 } : {}),
    mac: (options.mac ?? macFromIp)(address),
  };
  const ops = [
    vethAdd({ ns: net.hostNs, name: endpoint.hostIf, peerNs: container.ns, peerName: ifname, peerMac: endpoint.mac, mtu: net.mtu, txqlen: 0 }),
    // A network without IPv6 gets none in the container: no link-local address either
    // (osl setIPv6, on every endpoint's interface since Docker 26).
    ...(address6 ? [] : [linkNoIpv6(container.ns, ifname)]),
    linkSetMaster(net.hostNs, endpoint.hostIf, net.bridge, options),
    linkUp(net.hostNs, endpoint.hostIf),
    addrAdd(container.ns, ifname, net.ipam.withPrefix(address), { broadcast: true }),
    // osl: IPv6 addresses go on without duplicate address detection (IFA_F_NODAD).
    ...(address6 ? [addrAdd(container.ns, ifname, net.ipam6!.withPrefix(address6), { nodad: true })] : []),
    linkUp(container.ns, ifname),
  ];
  if (options.defaultRoute ?? true) {
    ops.push(routeAdd(container.ns, { to: 'default', via: net.ipam.gateway }));
    if (address6) ops.push(routeAdd(container.ns, { to: 'default', via: net.ipam6!.gateway, dev: ifname }));
  }
  return { endpoint, ops };
}
