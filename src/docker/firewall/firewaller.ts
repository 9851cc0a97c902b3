import type { Cmd } from '../../exec/command.js';
import type { Op } from '../../ops/op.js';

// The bridge driver's firewall, as moby's internal/firewaller interface shapes it: the daemon
// sets up its skeleton once, then each network, endpoint and published port adds its rules.
// A layout is one implementation (iptables as 27, 28 or 29 write it; nftables in 29).
// Removing something is undoing what adding it did, in reverse (see removal()).

export interface FirewallNetwork {
  readonly bridge: string;
  /** The network's subnet, e.g. 172.17.0.0/16. */
  readonly subnet: string;
  /** `docker network create --internal`: no way in or out of the subnet, no NAT. */
  readonly internal: boolean;
  /** com.docker.network.bridge.enable_icc: may containers on this bridge talk to each other. */
  readonly icc: boolean;
  /** com.docker.network.bridge.enable_ip_masquerade. */
  readonly masquerade: boolean;
  /** com.docker.network.bridge.gateway_mode_ipv4; undefined: nat. */
  readonly gatewayMode?: GatewayMode | undefined;
}

/**
 * How the host gateways a bridge network (28.0; 27 knows nat and routed): nat masquerades and
 * drops direct access; nat-unprotected masquerades and lets anything routed in; routed neither
 * masquerades nor maps host ports, and lets in published container ports and ICMP; isolated
 * (--internal only) gives the bridge no address at all.
 */
export const GATEWAY_MODES = ['nat', 'nat-unprotected', 'routed', 'isolated'] as const;
export type GatewayMode = (typeof GATEWAY_MODES)[number];

export interface FirewallEndpoint {
  readonly address: string;
}

export interface PortBinding {
  readonly protocol: 'tcp' | 'udp';
  /** The host address it is published on; undefined: every address (0.0.0.0). */
  readonly hostIp?: string | undefined;
  readonly hostPort: number;
  readonly containerPort: number;
}

export interface Firewaller {
  /** What `nslab versions` and step texts call it: `iptables, Docker 29`. */
  readonly name: string;
  /** The daemon's skeleton: chains and the jumps into them, and forwarding where Docker sets it. */
  daemon(): Op[];
  newNetwork(net: FirewallNetwork): Op[];
  addEndpoint(net: FirewallNetwork, ep: FirewallEndpoint): Op[];
  addPorts(net: FirewallNetwork, ep: FirewallEndpoint, ports: readonly PortBinding[]): Op[];
  /** What a learner types to look at the rules. */
  show(): Cmd[];
}

/** How the firewaller is placed: which namespace, which tag, whether the proxy runs. */
export interface FirewallPlacement {
  /** The docker host's namespace; undefined: the namespace nslab runs in. */
  readonly ns: string | undefined;
  /** Marks every rule where the namespace is not the lab's own (root-namespace mode). */
  readonly tag?: string | undefined;
  readonly userlandProxy: boolean;
  /** 6: the ip6tables (or ip6 table) half, for networks made with --ipv6. */
  readonly family?: 4 | 6 | undefined;
}

/**
 * The forward ops that take back what `added` did (docker rm, network rm, disconnect): the
 * inverses in reverse order. Ops without an inverse (a read, a tag) have nothing to take back.
 */
export function removal(added: readonly Op[]): Op[] {
  return [...added]
    .reverse()
    .filter((op) => op.undo !== undefined)
    .map((op) => ({ summary: `undo: ${op.summary}`, cmd: op.undo!, within: op.within, removes: true }));
}
