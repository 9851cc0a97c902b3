import { Ipam } from '../model/ipam.js';
import type { Op } from '../ops/op.js';
import { overlayPeer, type OverlayEndpoint } from './drivers/overlay-links.js';
import { networkId } from './user-network.js';

// A swarm: the docker hosts that share overlay networks. What is cluster-wide lives here, as
// the managers keep it (ovmanager.go, the network's IPAM): each overlay network's ID, VNI and
// one address space for every host, and where every container on it is, which the hosts learn
// from each other by gossip (networkdb). Each host's Engine makes its own side of a network
// with the overlay driver (drivers/overlay.ts).

export const VXLAN_PORT = 4789;
/** VXLAN's own headers: outer Ethernet 14, IPv4 20, UDP 8, VXLAN 8. */
export const VXLAN_OVERHEAD = 50;

export interface OverlayNetwork {
  readonly name: string;
  readonly id: string;
  /** Allocated from 4096 up (ovmanager.go vxlanIDStart). */
  readonly vni: number;
  /** Cluster-wide: one IPAM for every host, so addresses never clash across hosts. */
  readonly ipam: Ipam;
  readonly mtu: number;
}

export interface OverlayHost {
  /** The docker host's namespace (the VXLAN socket's). */
  readonly ns: string;
  /** The network's own namespace on this host (Docker: /var/run/docker/netns/1-<id>). */
  readonly sandboxNs: string;
  /** The host's underlay address, where other hosts send its VXLAN datagrams. */
  readonly underlay: string;
}


/** vx-<vni as 6 hex>-<first 5 of the network id>: the name Docker gives it before moving it in. */
export const vxlanName = (net: OverlayNetwork): string => `vx-${net.vni.toString(16).padStart(6, '0')}-${net.id.slice(0, 5)}`;

/** One docker host of the swarm: where its overlay sandboxes go, and its underlay address. */
export interface SwarmNode {
  /** The docker host's namespace. */
  readonly ns: string;
  /** The namespace of `network`'s sandbox on this host (Docker: /var/run/docker/netns/1-<id>). */
  readonly sandboxNs: (network: string) => string;
  readonly underlay: string;
}

export class Swarm {
  readonly #networks = new Map<string, OverlayNetwork>();
  readonly #endpoints: OverlayEndpoint[] = [];

  /** The cluster's instance (it seeds the networks' IDs) and its underlay's MTU. */
  constructor(
    readonly lab: string,
    readonly underlayMtu: number,
  ) {}

  /** `docker network create -d overlay`: the network, made once for the cluster; every host gets the same. */
  network(name: string, subnet: string | undefined): OverlayNetwork {
    let net = this.#networks.get(name);
    if (!net) {
      // VNIs from 4096 up (ovmanager.go vxlanIDStart); swarm's default pool is 10.0.0.0/8 in /24s.
      net = { name, id: networkId(this.lab, name), vni: 4096 + this.#networks.size, ipam: new Ipam(subnet ?? `10.0.${this.#networks.size}.0/24`), mtu: this.underlayMtu - VXLAN_OVERHEAD };
      this.#networks.set(name, net);
    }
    return net;
  }

  /** A container joined on some host: the others will hear of it. */
  joined(endpoint: OverlayEndpoint): void {
    this.#endpoints.push(endpoint);
  }

  left(container: string): void {
    const at = this.#endpoints.findIndex((e) => e.container === container);
    if (at >= 0) this.#endpoints.splice(at, 1);
  }

  /**
   * What gossip programs: on every host, each container on another host, as a permanent
   * neighbour and forwarding entry on its network's vxlan0 (peerdb.go peerAdd).
   */
  gossip(): Op[] {
    // One network's sandbox on one host, in the order they were first joined.
    const sandboxes = [...new Map(this.#endpoints.map((e) => [e.host.sandboxNs, e])).values()];
    return sandboxes.flatMap((on) => this.#endpoints.filter((e) => e.network === on.network && e.host.ns !== on.host.ns).flatMap((e) => overlayPeer(on.host, e)));
  }
}
