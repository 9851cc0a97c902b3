import { NslabError } from '../errors.js';
import type { Endpoint } from './cnm.js';
import type { Network, NetworkCreateOptions, RunOptions, Sandbox, SharedMode } from './cnm.js';
import { GATEWAY_MODES } from './firewall/firewaller.js';
import type { Profile } from './profile.js';

// What dockerd refuses, in its words (daemon/, runconfig/errors.go, libnetwork), checked
// before the Engine changes anything. Where 27 words a refusal as 26 did and 28 reworded it,
// both are here, chosen by `classic` (Docker 27's words).

/** `--name` taken: the container name conflict. */
export function refuseNameTaken(name: string, held: Sandbox | undefined): void {
  if (held) throw new NslabError(`Conflict. The container name "/${name}" is already in use by container "${held.id}". You have to remove (or rename) that container to be able to reuse that name.`, { hint: `docker rm -f ${name} first, or pick another --name` });
}

export function refuseNetworkTaken(name: string, networks: ReadonlyMap<string, Network>): void {
  if (networks.has(name)) throw new NslabError(`network with name ${name} already exists`, { hint: 'pick another name, or remove it first (docker network rm)' });
}

/** `--subnet` overlapping a network this engine holds. */
export function refuseOverlap(subnet: string, clash: Network | undefined, classic: boolean, subnetOf = (n: Network) => n.ipam.subnet.cidr): void {
  if (clash) throw new NslabError(`${classic ? '' : 'invalid pool request: '}Pool overlaps with other one on this address space`, { hint: `${subnet} overlaps ${subnetOf(clash)} of network ${clash.name}` });
}

/**
 * `--network host|none|container:X` with an option that would need an endpoint of its own
 * (runconfig/errors.go). -p with host is dropped before this, with Docker's warning.
 */
export function refuseSharedModeOptions(mode: SharedMode, opts: Omit<RunOptions, 'network'>): void {
  const label = mode.kind === 'container' ? 'container' : mode.kind;
  if (opts.ip !== undefined) throw new NslabError('user specified IP address is supported on user defined networks only', { hint: `--ip needs a network made with docker network create, not --network ${label}` });
  if ((opts.aliases?.length ?? 0) > 0) throw new NslabError('network-scoped aliases are only supported for user-defined networks', { hint: `drop --network-alias, or run on a user-defined network instead of ${label}` });
  if (mode.kind === 'container' && (opts.publish?.length ?? 0) > 0) {
    throw new NslabError('conflicting options: port publishing and the container type network mode', { hint: `publish the port on ${mode.container}, whose namespace this container shares` });
  }
  if (mode.kind === 'container' && opts.hostname !== undefined) throw new NslabError('conflicting options: hostname and the network mode', { hint: 'drop --hostname: a container: container has its namespace owner\'s' });
  if (mode.kind !== 'none' && (opts.addHosts?.length ?? 0) > 0) {
    throw new NslabError(`conflicting options: custom host-to-IP mapping and the network mode`, { hint: `--add-host writes the container's own /etc/hosts; with --network ${label} it would be ${mode.kind === 'host' ? "the docker host's" : 'shared with another container'}` });
  }
}

/** `--network container:X` where X itself shares another's namespace. */
export function refuseJoinChain(owner: Sandbox | undefined): void {
  if (owner && owner.mode === 'container') throw new NslabError(`cannot join the network of ${owner.container}: it shares ${owner.joins}'s`, { hint: `use --network container:${owner.joins}` });
}

/** --ip and --network-alias on the default bridge. */
export function refuseEndpointOptions(network: Network, opts: { ip?: string | undefined; aliases?: readonly string[] | undefined }): void {
  if (opts.ip !== undefined && network.isDefault) {
    const why = '* user specified IP address is supported on user defined networks only\n* user specified IP address is supported only when connecting to networks with user configured subnets';
    throw new NslabError(`invalid config for network ${network.name}: invalid endpoint settings:\n${why}`, { hint: 'create a network with --subnet and run the container on it' });
  }
  if ((opts.aliases?.length ?? 0) > 0 && network.isDefault) {
    throw new NslabError('network-scoped aliases are only supported for user-defined networks', { hint: 'run the container on a network made with docker network create' });
  }
}

/** `network connect` to a container that cannot take another endpoint (ErrConflictSharedNetwork, ErrConflictNoNetwork), or one already there. */
export function refuseConnect(network: Network, container: string, sandbox: Sandbox | undefined): asserts sandbox is Sandbox {
  if (!sandbox) throw new NslabError(`No such container: ${container}`, { hint: 'start it first (docker run)' });
  if (sandbox.mode === 'host' || sandbox.mode === 'container') {
    throw new NslabError('container sharing network namespace with another container or host cannot be connected to any other network', { hint: `${container} runs with --network ${sandbox.mode === 'host' ? 'host' : `container:${sandbox.joins}`}; run a new container on ${network.name} instead` });
  }
  if (sandbox.mode === 'none') throw new NslabError('container cannot be connected to multiple networks with one of the networks in private (none) mode', { hint: `run a new container on ${network.name} instead` });
  if (sandbox.endpoints.some((e) => e.network === network.name)) {
    throw new NslabError(`endpoint with name ${container} already exists in network ${network.name}`, { hint: 'it is connected already' });
  }
}

export function refuseDisconnect(container: string, networkName: string, endpoint: Endpoint | undefined): asserts endpoint is Endpoint {
  if (!endpoint) throw new NslabError(`container ${container} is not connected to network ${networkName}`, { hint: 'docker network connect it first' });
}

/** `docker rm` of a container whose namespace others share. */
export function refuseRemoveShared(container: string, joiners: readonly string[]): void {
  if (joiners.length > 0) {
    throw new NslabError(`cannot remove container ${container}: ${joiners.join(', ')} share${joiners.length === 1 ? 's' : ''} its network namespace (--network container:${container})`, { hint: `remove ${joiners.join(', ')} first` });
  }
}

/**
 * `network rm` of the default bridge, or of a network with endpoints. 28 names the endpoints
 * (name and short endpoint ID); 27 named the network's ID.
 */
export function refuseNetworkRm(network: Network, users: readonly { container: string; endpointId: string }[], classic: boolean): void {
  if (network.isDefault) throw new NslabError(`bridge is a pre-defined network and cannot be removed`, { hint: 'only user-defined networks can be removed' });
  if (users.length === 0) return;
  const held = classic ? `network ${network.name} id ${network.id} has active endpoints` : `network ${network.name} has active endpoints (${users.map((u) => `name:"${u.container}" id:"${u.endpointId.slice(0, 12)}"`).join(', ')})`;
  throw new NslabError(`error while removing network: ${held}`, { hint: `docker rm -f ${users.map((u) => u.container).join(' ')}, or docker network disconnect them, first` });
}

/** A container by name, or Docker's "No such container". */
export function existing(sandboxes: ReadonlyMap<string, Sandbox>, name: string, hint = 'start it first (docker run), or docker ps to see the names'): Sandbox {
  const s = sandboxes.get(name);
  if (!s) throw new NslabError(`No such container: ${name}`, { hint });
  return s;
}

/** `--network host`: the docker host's namespace, which in root-namespace mode is nslab's own. */
export function hostNamespace(hostNs: string | undefined): string {
  if (hostNs === undefined) throw new NslabError("--network host in the root namespace would be nslab's own namespace", { hint: 'run it on the sandbox engine (without --root-ns)' });
  return hostNs;
}

/**
 * gateway_mode_ipv4 as the bridge driver parses it: 27 knows nat and routed (newGwMode, then
 * parseErr), 28 added nat-unprotected and isolated, and isolated needs --internal.
 */
export function refuseGatewayMode(profile: Profile, opts: NetworkCreateOptions): void {
  for (const [family, mode] of [['ipv4', opts.gatewayMode], ['ipv6', opts.gatewayMode6]] as const) {
    if (mode === undefined) continue;
    const known: readonly string[] = profile.docker === '27' ? ['nat', 'routed'] : GATEWAY_MODES;
    if (!known.includes(mode)) {
      throw new NslabError(`failed to parse com.docker.network.bridge.gateway_mode_${family} value: ${mode} (unknown gateway mode ${mode})`, { hint: `Docker ${profile.docker} knows ${known.join(', ')}` });
    }
    if (mode === 'isolated' && !opts.internal) throw new NslabError("gateway mode 'isolated' can only be used for an internal network", { hint: 'add --internal' });
    // nslab's isolated mode takes the bridge's IPv4 address away only.
    if (family === 'ipv6' && mode === 'isolated') throw new NslabError('gateway_mode_ipv6=isolated is a docker option nslab does not rebuild', { hint: 'use nat or routed for IPv6' });
  }
}

/** Root-namespace mode writes a few tagged IPv4 rules only (firewall/root-ns.ts). */
export function noIpv6InRootNs(): never {
  throw new NslabError('nslab does not rebuild IPv6 networks in root-namespace mode', { hint: 'run the lab in its sandbox (leave out --root-ns)' });
}
