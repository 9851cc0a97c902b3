import { cmd } from '../../exec/command.js';
import { macFromIp } from '../../model/ipam.js';
import { validateIfName, vethName } from '../../model/names.js';
import { addrAdd, bridgeAdd, linkSetMaster, linkUp, netnsAdd, vethAdd } from '../../ops/ip.js';
import { linkKey, netnsKey, type Op } from '../../ops/op.js';
import type { Tools } from '../cnm.js';
import { VXLAN_PORT, vxlanName, type OverlayHost, type OverlayNetwork } from '../swarm.js';

// Docker's overlay driver on one host (libnetwork drivers/overlay: ov_network.go, joinleave.go,
// peerdb.go). Per network, a namespace of its own holds a bridge (br0, with the gateway
// address) and the VXLAN device (vxlan0). The VXLAN device is made in the host's namespace and
// moved in, so its UDP socket, and the encapsulated traffic, stay in the host's. Containers
// plug into br0 by a veth whose two ends have the overlay's MTU: the underlay's less the 50
// bytes VXLAN adds. Where the other containers are, Docker learns by gossip and programs as
// static neighbour and forwarding entries on vxlan0; nslab programs the same from its plan.

export interface OverlayEndpoint {
  readonly network: string;
  readonly container: string;
  readonly ns: string;
  readonly address: string;
  /** Overlay endpoints keep the MAC derived from the IP, in every Docker version. */
  readonly mac: string;
  readonly hostIf: string;
  readonly host: OverlayHost;
}


const ip = (ns: string, ...args: string[]) => cmd('ip', args, ns);

/** The network's sandbox on one host: br0 with the gateway, and vxlan0 made in the host and moved in. */
export function overlaySandbox(net: OverlayNetwork, host: OverlayHost, tools: Tools): Op[] {
  const vx = validateIfName(vxlanName(net));
  const inHost = [netnsKey(host.ns)];
  return [
    netnsAdd(host.sandboxNs),
    linkUp(host.sandboxNs, 'lo'),
    bridgeAdd(host.sandboxNs, 'br0', tools),
    addrAdd(host.sandboxNs, 'br0', net.ipam.withPrefix(net.ipam.gateway), { broadcast: true }),
    {
      summary: `create ${vx} (VNI ${net.vni}, UDP ${VXLAN_PORT}, learning, proxy, l2miss, l3miss) in ${host.ns}`,
      cmd: ip(host.ns, 'link', 'add', vx, 'mtu', String(net.mtu), 'type', 'vxlan', 'id', String(net.vni), 'dstport', String(VXLAN_PORT), 'learning', 'proxy', 'l2miss', 'l3miss'),
      undo: ip(host.ns, 'link', 'del', 'dev', vx),
      undoGone: 'link',
      creates: linkKey(host.ns, vx),
      within: inHost,
    },
    {
      // Once moved, it dies with the sandbox; its socket stays bound in the host's namespace.
      summary: `move ${vx} into ${host.sandboxNs} as vxlan0`,
      cmd: ip(host.ns, 'link', 'set', 'dev', vx, 'netns', host.sandboxNs, 'name', 'vxlan0'),
      alsoCreates: [linkKey(host.sandboxNs, 'vxlan0')],
      within: [netnsKey(host.sandboxNs), ...inHost],
    },
    linkSetMaster(host.sandboxNs, 'vxlan0', 'br0', tools),
    linkUp(host.sandboxNs, 'vxlan0'),
    linkUp(host.sandboxNs, 'br0'),
  ];
}

/** A container joins: eth0 on br0 through a veth of the overlay's MTU, its address from the cluster's IPAM. */
export function overlayJoin(net: OverlayNetwork, host: OverlayHost, container: { name: string; ns: string }, tools: Tools): { endpoint: OverlayEndpoint; ops: Op[] } {
  const address = net.ipam.allocate();
  const endpoint: OverlayEndpoint = {
    network: net.name,
    container: container.name,
    ns: container.ns,
    address,
    mac: macFromIp(address),
    hostIf: vethName(host.sandboxNs, net.name, container.name),
    host,
  };
  const ops: Op[] = [
    vethAdd({ ns: host.sandboxNs, name: endpoint.hostIf, peerNs: container.ns, peerName: 'eth0', peerMac: endpoint.mac, mtu: net.mtu, txqlen: 0 }),
    linkSetMaster(host.sandboxNs, endpoint.hostIf, 'br0', tools),
    linkUp(host.sandboxNs, endpoint.hostIf),
    addrAdd(container.ns, 'eth0', net.ipam.withPrefix(address), { broadcast: true }),
    linkUp(container.ns, 'eth0'),
  ];
  return { endpoint, ops };
}

/**
 * What gossip tells one host about a container on another (peerdb.go peerAdd): a permanent
 * neighbour entry, so vxlan0 answers ARP for it itself (proxy), and a forwarding entry that
 * sends its MAC to that host's underlay address.
 */
export function overlayPeer(on: OverlayHost, remote: OverlayEndpoint): Op[] {
  const where = [linkKey(on.sandboxNs, 'vxlan0'), netnsKey(on.sandboxNs)];
  return [
    {
      summary: `tell ${on.sandboxNs}: ${remote.address} is ${remote.mac}`,
      cmd: ip(on.sandboxNs, 'neigh', 'add', remote.address, 'lladdr', remote.mac, 'dev', 'vxlan0', 'nud', 'permanent'),
      undo: ip(on.sandboxNs, 'neigh', 'del', remote.address, 'dev', 'vxlan0'),
      undoGone: 'neighbour',
      within: where,
    },
    {
      summary: `tell ${on.sandboxNs}: ${remote.mac} is behind ${remote.host.underlay}`,
      cmd: cmd('bridge', ['fdb', 'add', remote.mac, 'dev', 'vxlan0', 'dst', remote.host.underlay, 'self', 'permanent'], on.sandboxNs),
      undo: cmd('bridge', ['fdb', 'del', remote.mac, 'dev', 'vxlan0', 'dst', remote.host.underlay, 'self'], on.sandboxNs),
      undoGone: 'fdb',
      within: where,
    },
  ];
}
