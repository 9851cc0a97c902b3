import type { Op } from '../../ops/op.js';
import type { Endpoint, Tools } from '../cnm.js';
import type { Network, NetworkCreateOptions } from '../cnm.js';
import type { Firewaller } from '../firewall/firewaller.js';
import type { Ip6Firewall } from '../firewall/ip6-firewall.js';
import type { Profile } from '../profile.js';
import type { Swarm, SwarmNode } from '../swarm.js';
import type { Ipam } from '../../model/ipam.js';

// libnetwork's driver API (driverapi.Driver: CreateNetwork, Join, Leave, DeleteNetwork), as
// ops: the Engine decides what a docker command means (which network, which address, which
// endpoint gives the default route, which names the DNS knows), and the network's driver says
// what that is in links and rules. One driver per `docker network create -d`.

/** What a driver works with: the docker host it builds on, and that host's firewall. */
export interface DriverHost {
  readonly hostNs: string | undefined;
  readonly tools: Tools;
  readonly profile: Profile;
  readonly fw: Firewaller;
  /** The ip6tables half, for networks made with --ipv6 (built when the first one is). */
  readonly ip6: Ip6Firewall;
  /** The swarm this host is a node of, where it is one (overlay networks). */
  readonly swarm?: { readonly cluster: Swarm; readonly node: SwarmNode } | undefined;
}

/** How the Engine wants an endpoint made: its ethN, its address, its MAC, whether it routes. */
export interface JoinRequest {
  readonly ifname: string;
  readonly defaultRoute: boolean;
  readonly address?: string | undefined;
  readonly address6?: string | undefined;
  readonly mac: (address: string) => string;
}

export interface NetworkDriver {
  /**
   * `network create -d <driver>`'s options, refused in Docker's words, or what this driver
   * keeps of them on the network (a macvlan's parent, which is its link too).
   */
  accept(name: string, opts: NetworkCreateOptions, existing: Iterable<Network>): Pick<Network, 'driver' | 'macvlan'> & {
    readonly bridgeName?: string;
    /** A network whose addresses and ID are the cluster's, not this engine's (overlay). */
    readonly ipam?: Ipam;
    readonly id?: string;
  };
  /** The network's links (`bridge`) and its firewall rules, kept apart so a lab can teach one, then the other. */
  create(network: Network): { bridge: Op[]; firewall: Op[] };
  /** A container's endpoint on the network: its link in the container's namespace, its address, its route. */
  join(network: Network, container: { name: string; ns: string }, how: JoinRequest): { endpoint: Endpoint; ops: Op[] };
  /** What the endpoint's port needs once the Engine has settled its routes (the bridge's hairpin). */
  portSettings(network: Network, endpoint: Endpoint): Op[];
  /** The endpoint's firewall rules: taken back in reverse when it leaves. */
  endpointRules(network: Network, endpoint: Endpoint): Op[];
  /** The endpoint's link going (its address and routes go with it). */
  leave(network: Network, endpoint: Endpoint): Op[];
  /** `network rm`: the network's rules taken back, then its links. */
  delete(network: Network): Op[];
  /** Whether its endpoints give the container a default route (an overlay's do not: docker_gwbridge does). */
  readonly givesGateway: boolean;
  /** Whether `-p` publishes through it (a macvlan endpoint is on the LAN itself: Docker ignores -p). */
  readonly publishes: boolean;
}
