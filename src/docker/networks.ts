import type { GatewayMode } from './firewall/firewaller.js';
import { Ipam, parseSubnet } from '../model/ipam.js';
import { engineId, Ipam6, nextUlaPool, parseSubnet6, subnets6Overlap } from '../model/ipam6.js';
import { validateIfName } from '../model/names.js';
import { DOCKER0 } from '../model/defaults.js';
import { nextPool } from './address-pools.js';
import type { EngineSpec, Network, NetworkCreateOptions } from './cnm.js';
import { refuseOverlap } from './refusals.js';
import { networkId, userBridgeName } from './user-network.js';

// A network as `docker network create` defines it, before any driver makes it: its ID and
// bridge name (new with each creation of the name), its pool (--subnet, refused where it
// overlaps a network this engine holds, or the next default pool), its IPAM, and what the
// firewall is told of it.

export interface Definition {
  readonly name: string;
  readonly opts: NetworkCreateOptions;
  readonly isDefault: boolean;
  readonly driver: Pick<Network, 'driver' | 'macvlan'> & { readonly ipam?: Ipam; readonly id?: string };
  /** How many times this name has been created on this engine, this one included. */
  readonly generation: number;
}

export function defineNetwork(spec: EngineSpec, existing: readonly Network[], { name, opts, isDefault, driver, generation }: Definition): Network {
  // A network whose IPAM is the cluster's (overlay) takes no pool of this engine's.
  const pool = () => opts.subnet ?? nextPool([...existing.map((n) => n.ipam.subnet), ...(spec.takenPools ?? [])], spec.hostRoutes);
  if (opts.subnet !== undefined) {
    const s = parseSubnet(opts.subnet);
    refuseOverlap(opts.subnet, existing.find((n) => n.ipam.subnet.first <= s.last && s.first <= n.ipam.subnet.last), spec.profile.docker === '27');
  }
  const bridge = validateIfName(opts.bridgeName ?? (isDefault ? DOCKER0.bridge : userBridgeName(spec.lab, name, generation)));
  const { ipam = new Ipam(pool(), opts.gateway, opts.ipRange), id = networkId(spec.lab, name, generation), ...kind } = driver;
  // --aux-address: held back from the pool, as the default IPAM does with AuxAddresses.
  for (const address of Object.values(opts.auxAddresses ?? {})) ipam.reserve(address);
  // isolated: the bridge takes no address, so the pool's first address is a container's (a real 28.5.2 gives .1 out).
  if (opts.gatewayMode === 'isolated') ipam.release(ipam.gateway);
  const internal = opts.internal ?? false;
  const icc = opts.icc ?? true;
  const ipam6 = opts.ipv6 ? ipv6Ipam(spec, existing, opts) : undefined;
  return {
    name,
    id,
    bridge,
    ipam,
    ...(ipam6 ? { ipam6 } : {}),
    hostNs: spec.hostNs,
    internal,
    icc,
    mtu: opts.mtu,
    noGatewayAddress: opts.gatewayMode === 'isolated',
    isDefault,
    firewall: { bridge, subnet: ipam.subnet.cidr, internal, icc, masquerade: !internal, ...(opts.gatewayMode ? { gatewayMode: opts.gatewayMode as GatewayMode } : {}) },
    ...(ipam6 ? { firewall6: { bridge, subnet: ipam6.subnet.cidr, internal, icc, masquerade: !internal, ...(opts.gatewayMode6 ? { gatewayMode: opts.gatewayMode6 as GatewayMode } : {}) } } : {}),
    ...kind,
    asked: { subnet: opts.subnet, gateway: opts.gateway, subnet6: opts.subnet6, gateway6: opts.gateway6, auxAddresses: opts.auxAddresses, options: opts.options ?? {}, labels: opts.labels ?? {} },
  };
}

/**
 * The IPv6 subnet of a network made with --ipv6: the one given (refused where it overlaps
 * another network's), else the next /64 of the engine's ULA base (27.0 and later).
 */
function ipv6Ipam(spec: EngineSpec, existing: readonly Network[], opts: NetworkCreateOptions): Ipam6 {
  const taken = existing.flatMap((n) => (n.ipam6 ? [n.ipam6.subnet] : []));
  if (opts.subnet6 !== undefined) {
    const s = parseSubnet6(opts.subnet6);
    refuseOverlap(opts.subnet6, existing.find((n) => n.ipam6 && subnets6Overlap(n.ipam6.subnet, s)), spec.profile.docker === '27', (n) => n.ipam6!.subnet.cidr);
  }
  return new Ipam6(opts.subnet6 ?? nextUlaPool(engineId(spec.lab), taken), opts.gateway6);
}

/** An endpoint leaving gives its addresses back. */
export function releaseAddresses(network: Network, endpoint: { readonly address: string; readonly address6?: string | undefined }): void {
  network.ipam.release(endpoint.address);
  if (endpoint.address6) network.ipam6?.release(endpoint.address6);
}
