import type { Subnet } from '../model/ipam.js';
import type { BridgeNetwork } from './bridge-network.js';
import type { FirewallNetwork, PortBinding } from './firewall/firewaller.js';
import type { MacvlanMode } from './macvlan-network.js';
import type { Profile } from './profile.js';
import type { Swarm, SwarmNode } from './swarm.js';

// The nouns of Docker's Container Network Model (the first chapter's CNM): a Network, the
// Endpoints containers have on it, and each container's Sandbox, plus what dockerd's actions
// are given. The Engine (engine.ts) holds them; the drivers (drivers/) make them real.

export interface EngineSpec {
  /** The lab instance: it seeds network IDs and tags. */
  readonly lab: string;
  /** The docker host's namespace; undefined: the namespace nslab runs in (root-namespace mode). */
  readonly hostNs: string | undefined;
  readonly profile: Profile;
  readonly tools: Tools;
  /** Where DNS records and pidfiles live (the lab's state directory). */
  readonly stateDir: string;
  /** Marks rules in a namespace that is not the lab's own. */
  readonly tag?: string | undefined;
  /** 'root-ns': the machine's own tables, where only a few tagged rules go (firewall/root-ns.ts). */
  readonly firewall?: 'profile' | 'root-ns' | undefined;
  /** Routes the docker host has: pools overlapping them are skipped, as Docker skips them. */
  readonly hostRoutes?: readonly Subnet[] | undefined;
  /** Pools other networks on this host already hold, which the lab does not build. */
  readonly takenPools?: readonly Subnet[] | undefined;
  /**
   * The docker host's own resolver: default-bridge containers get it in their resolv.conf,
   * and the embedded DNS forwards what it does not know to it. Undefined: the host has none.
   */
  readonly nameserver?: string | undefined;
  /** false: the docker host has no uplink (a lab of bridges alone): its nameserver is out of reach. */
  readonly uplink?: boolean | undefined;
  /** The swarm this docker host is a node of: its overlay networks are the cluster's. */
  readonly swarm?: { readonly cluster: Swarm; readonly node: SwarmNode } | undefined;
}

export interface Network extends BridgeNetwork {
  /** 64 hex characters; the bridge of a user-defined network is br- and its first 12. */
  readonly id: string;
  /** The default bridge ("bridge", docker0): no embedded DNS, no aliases, no --ip. */
  readonly isDefault: boolean;
  readonly firewall: FirewallNetwork;
  /** `--ipv6`: what the firewall is told of the IPv6 subnet (ip6tables), beside the IPv4 one. */
  readonly firewall6?: FirewallNetwork | undefined;
  readonly driver: 'bridge' | 'macvlan' | 'overlay';
  /** A macvlan network's parent link and mode; its `bridge` is the parent too. */
  readonly macvlan?: { readonly parent: string; readonly mode: MacvlanMode } | undefined;
  /** What `network create` was given, as inspect shows it (a --subnet alone has no Gateway there). */
  readonly asked: { readonly subnet?: string | undefined; readonly gateway?: string | undefined; readonly subnet6?: string | undefined; readonly gateway6?: string | undefined; readonly auxAddresses?: Readonly<Record<string, string>> | undefined; readonly options: Readonly<Record<string, string>>; readonly labels: Readonly<Record<string, string>> };
}

/** What a network's driver keeps of `network create`'s options on it (drivers/driver.ts accept). */
export type DriverData = Pick<Network, 'driver' | 'macvlan'>;

export interface Sandbox {
  readonly container: string;
  /** 64 hex characters, derived like a network's; its first 12 are a DNS name too. */
  readonly id: string;
  readonly hostname?: string | undefined;
  readonly ns: string;
  /**
   * How it got its namespace: 'network' (its own, with an endpoint per network), 'none' (its
   * own, only lo), 'host' (the docker host's), 'container' (another container's, `joins`).
   */
  readonly mode: SharedMode['kind'] | 'network';
  readonly joins?: string | undefined;
  /** The network `docker run` put it on (inspect's NetworkMode keeps it after a disconnect). */
  readonly runOn?: string | undefined;
  readonly endpoints: Endpoint[];
  /** What `-p` published, by network: removed with the container. */
  readonly published: { readonly network: string; readonly endpoint: Endpoint; readonly ports: readonly PortBinding[] }[];
}

export interface NetworkCreateOptions {
  readonly subnet?: string | undefined;
  readonly gateway?: string | undefined;
  readonly internal?: boolean | undefined;
  readonly icc?: boolean | undefined;
  /** -o com.docker.network.bridge.name */
  readonly bridgeName?: string | undefined;
  /** -o com.docker.network.driver.mtu */
  readonly mtu?: number | undefined;
  /** -o com.docker.network.bridge.gateway_mode_ipv4, as given: the bridge driver checks it. */
  readonly gatewayMode?: string | undefined;
  /** `--ipv6` (com.docker.network.enable_ipv6): an IPv6 subnet as well, from --subnet or the engine's ULA pool. */
  readonly ipv6?: boolean | undefined;
  /** The IPv6 --subnet and --gateway (the CLI takes one of each family). */
  readonly subnet6?: string | undefined;
  readonly gateway6?: string | undefined;
  /** -o com.docker.network.bridge.gateway_mode_ipv6, as given. */
  readonly gatewayMode6?: string | undefined;
  readonly driver?: 'bridge' | 'macvlan' | 'overlay' | undefined;
  /** --ip-range: where addresses are handed out from. */
  readonly ipRange?: string | undefined;
  /** --aux-address NAME=IP: addresses IPAM keeps out of its hands (a host's shim, a router). */
  readonly auxAddresses?: Readonly<Record<string, string>> | undefined;
  /** --attachable: an overlay that standalone containers may join (not only services). */
  readonly attachable?: boolean | undefined;
  /** macvlan: -o parent=..., -o macvlan_mode=... */
  readonly parent?: string | undefined;
  readonly macvlanMode?: MacvlanMode | undefined;
  /** The -o KEY=VALUE options as given (network inspect's Options). */
  readonly options?: Readonly<Record<string, string>> | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** What `docker run` says of a container's endpoint and its files, whoever asks (a lab, the docker CLI, compose). */
export interface EndpointSettings {
  readonly network?: string | undefined;
  readonly ip?: string | undefined;
  /** --ip6: a fixed IPv6 address on a network with --ipv6. */
  readonly ip6?: string | undefined;
  /** --network-alias: more names on the network (user-defined networks only). */
  readonly aliases?: readonly string[] | undefined;
  readonly hostname?: string | undefined;
  /** --add-host NAME:IP or NAME:host-gateway, written to the container's /etc/hosts. */
  readonly addHosts?: readonly { readonly name: string; readonly address: string }[] | undefined;
  /** --gw-priority (28 and later): the highest gives the default route. */
  readonly gwPriority?: number | undefined;
}

export interface RunOptions extends EndpointSettings {
  readonly publish?: readonly PortBinding[] | undefined;
}

/** `--network host|none|container:NAME`: the modes that make no endpoint of their own. */
export type SharedMode = { readonly kind: 'host' } | { readonly kind: 'none' } | { readonly kind: 'container'; readonly container: string };

/** The mode a --network value names, if it is one of those (else it names a network). */
export function sharedMode(network: string | undefined): SharedMode | undefined {
  if (network === 'host' || network === 'none') return { kind: network };
  if (network?.startsWith('container:')) return { kind: 'container', container: network.slice('container:'.length) };
  return undefined;
}

export interface Endpoint {
  readonly network: string;
  readonly container: string;
  readonly ns: string;
  /** Interface inside the container: eth0, eth1, ... */
  readonly ifname: string;
  /** Host end of the veth pair, on the bridge. */
  readonly hostIf: string;
  readonly address: string;
  /** Its IPv6 address, on a network with --ipv6. */
  readonly address6?: string | undefined;
  readonly mac: string;
  /** The names the embedded DNS gives it on a user-defined network (container, aliases, short ID...). */
  readonly names?: readonly string[] | undefined;
  /** Its address was asked for (--ip), as inspect's IPAMConfig shows. */
  readonly requested?: true | undefined;
  /** Its IPv6 address was asked for (--ip6). */
  readonly requested6?: true | undefined;
  /** Made by `docker network connect` (whose CLI sends empty settings, where run's sends none). */
  readonly connected?: true | undefined;
  /** --gw-priority: the highest gives the container its default route. */
  readonly priority?: number | undefined;
  /** libnetwork's gateway endpoint on docker_gwbridge, for a container whose networks give no route: no DNS name. */
  readonly gateway?: true | undefined;
}

export interface Tools {
  readonly brctl: boolean;
}
