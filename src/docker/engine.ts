import { NslabError } from '../errors.js';
import { nsName } from '../model/names.js';
import { defaultRouteMove, netnsDel, routeAdd } from '../ops/ip.js';
import type { Op } from '../ops/op.js';
import { createContainerNamespace } from './bridge-network.js';
import type { DriverData, Endpoint, EngineSpec, Network, NetworkCreateOptions, RunOptions, Sandbox, SharedMode } from './cnm.js';
import { DOCKER0 } from '../model/defaults.js';
import type { DnsLayout } from './embedded-dns.js';
import { ContainerFiles, extraHosts, hostsAddresses } from './etc-files.js';
import { hostFirewall, type Ip6Firewall } from './firewall/index.js';
import { removal, type Firewaller, type PortBinding } from './firewall/firewaller.js';
import type { NetworkDriver } from './drivers/driver.js';
import { driversFor } from './drivers/index.js';
import { endpointMac } from './mac.js';
import { mapPorts } from './port-mapper.js';
import * as refuse from './refusals.js';
import { Resolvers } from './resolver.js';
import { containerId, endpointId } from './user-network.js';
import { defineNetwork, releaseAddresses } from './networks.js';
import { electGateway } from './gateway.js';

// libnetwork by hand: the engine is the controller. It holds the Networks, their Endpoints and
// the containers' Sandboxes (the CNM of the first chapter) and decides what a dockerd action
// means: which address, which ethN, which endpoint gives the default route, what the DNS and
// the container's files hold. What that is in links and rules is the network's driver's
// (drivers/). Each action returns the typed ops that do it; undoing one is its ops' inverses.

export class Engine {
  readonly fw: Firewaller;
  readonly ip6: Ip6Firewall;
  readonly networks = new Map<string, Network>();
  readonly sandboxes = new Map<string, Sandbox>();
  readonly #creations = new Map<string, number>();
  readonly #drivers: Readonly<Record<Network['driver'], NetworkDriver>>;
  readonly #resolvers: Resolvers;
  readonly #files: ContainerFiles;
  /** The host's /etc/resolv.conf, which dockerd reads for each container it creates (an admin may change it). */
  readonly hostResolv: { nameserver: string | undefined };

  constructor(readonly spec: EngineSpec) {
    const nameserver = () => this.hostResolv.nameserver;
    this.hostResolv = { nameserver: spec.nameserver };
    ({ fw: this.fw, ip6: this.ip6 } = hostFirewall(spec));
    this.#drivers = driversFor({ hostNs: spec.hostNs, tools: spec.tools, profile: spec.profile, fw: this.fw, ip6: this.ip6, swarm: spec.swarm });
    this.#resolvers = new Resolvers({ dns: this.dns, profile: spec.profile, hostNs: spec.hostNs, nameserver, uplink: spec.uplink }, (network) => this.#internal(network));
    this.#files = new ContainerFiles(spec.profile, nameserver, (network) => this.network(network).isDefault);
  }

  get dns(): DnsLayout {
    return { stateDir: this.spec.stateDir, lab: this.spec.lab };
  }

  /**
   * dockerd starting: the firewall skeleton, then the default network on docker0. The two
   * are returned apart so a lab can teach the bridge before the rules.
   */
  start(opts: { bridge?: string | undefined; subnet?: string | undefined } = {}): { network: Network; bridge: Op[]; firewall: Op[] } {
    const network = this.#define('bridge', { subnet: opts.subnet ?? DOCKER0.subnet, bridgeName: opts.bridge ?? DOCKER0.bridge }, true);
    const made = this.#drivers.bridge.create(network);
    return { network, bridge: made.bridge, firewall: [...this.fw.daemon(), ...made.firewall] };
  }

  /** `docker network create [-d DRIVER] [--subnet] [--internal] [-o ...] NAME`: its links, then its rules. */
  networkCreate(name: string, opts: NetworkCreateOptions = {}): { network: Network; ops: Op[]; bridge: Op[]; firewall: Op[] } {
    refuse.refuseNetworkTaken(name, this.networks);
    const { bridgeName, ...driver } = this.#drivers[opts.driver ?? 'bridge'].accept(name, opts, this.networks.values());
    const network = this.#define(name, { ...opts, ...(bridgeName === undefined ? {} : { bridgeName }) }, false, driver);
    const { bridge, firewall } = this.#driverOf(network).create(network);
    return { network, ops: [...bridge, ...firewall], bridge, firewall };
  }

  /** `docker run -d --network NET [-p ...] --name NAME`: a sandbox, its endpoint, its ports. */
  run(name: string, opts: RunOptions = {}): { endpoint: Endpoint; ops: Op[] } {
    refuse.refuseNameTaken(name, this.sandboxes.get(name));
    const network = this.network(opts.network ?? 'bridge');
    const sandbox: Sandbox = { container: name, id: this.containerId(name), hostname: opts.hostname, ns: nsName(this.spec.lab, name), mode: 'network', runOn: network.name, endpoints: [], published: [] };
    const joined = this.#join(network, sandbox, { ip: opts.ip, ip6: opts.ip6, aliases: opts.aliases, priority: opts.gwPriority });
    this.sandboxes.set(name, sandbox);
    const ports = opts.publish ?? [];
    if (ports.length > 0) sandbox.published.push({ network: network.name, endpoint: joined.endpoint, ports });
    const files = this.#files.run(sandbox, this.#extraHosts(opts.addHosts), hostsAddresses(joined.endpoint));
    return { endpoint: joined.endpoint, ops: [...createContainerNamespace(sandbox.ns), ...joined.ops, ...files, ...this.publish(network, joined.endpoint, ports)] };
  }

  /**
   * `docker run --network host|none|container:X`: no endpoint. none is a namespace with only
   * lo; host and container: create nothing, the process simply runs in the docker host's
   * namespace or in X's.
   */
  runShared(name: string, mode: SharedMode, opts: Omit<RunOptions, 'network'> = {}): { sandbox: Sandbox; ops: Op[] } {
    refuse.refuseNameTaken(name, this.sandboxes.get(name));
    refuse.refuseSharedModeOptions(mode, opts);
    const ns = mode.kind === 'none' ? nsName(this.spec.lab, name) : mode.kind === 'host' ? refuse.hostNamespace(this.spec.hostNs) : refuse.existing(this.sandboxes, mode.container).ns;
    const owner = mode.kind === 'container' ? refuse.existing(this.sandboxes, mode.container) : undefined;
    refuse.refuseJoinChain(owner);
    const sandbox: Sandbox = { container: name, id: this.containerId(name), hostname: opts.hostname, ns, mode: mode.kind, joins: owner?.container, endpoints: [], published: [] };
    this.sandboxes.set(name, sandbox);
    if (mode.kind !== 'none') return { sandbox, ops: [] };
    return { sandbox, ops: [...createContainerNamespace(ns), ...this.#files.run(sandbox, this.#extraHosts(opts.addHosts), [])] };
  }

  /**
   * `docker network connect NET CTR`: a second endpoint, the next ethN, and the default route
   * where libnetwork's election puts it (see #gatewayOf: by --gw-priority, then the network's name).
   */
  connect(networkName: string, container: string, opts: { ip?: string | undefined; aliases?: readonly string[] | undefined; gwPriority?: number | undefined } = {}): { endpoint: Endpoint; ops: Op[] } {
    const network = this.network(networkName);
    const sandbox = this.sandboxes.get(container);
    refuse.refuseConnect(network, container, sandbox);
    const joined = this.#join(network, sandbox, { ip: opts.ip, aliases: opts.aliases, priority: opts.gwPriority, connected: true });
    return { endpoint: joined.endpoint, ops: [...joined.ops, ...this.#files.connect(sandbox, joined.endpoint)] };
  }

  /**
   * `docker network disconnect NET CTR`: the endpoint's link goes (and with it ethN and its
   * address), its rules are taken back, and its name leaves the network's DNS. The resolver
   * stays, answering for the networks left (Docker stops it with the sandbox only).
   */
  disconnect(networkName: string, container: string, leaving = false): Op[] {
    const network = this.network(networkName);
    const sandbox = this.sandboxes.get(container);
    const endpoint = sandbox?.endpoints.find((e) => e.network === network.name);
    refuse.refuseDisconnect(container, networkName, endpoint);
    const gatewayBefore = this.#gatewayOf(sandbox!);
    sandbox!.endpoints.splice(sandbox!.endpoints.indexOf(endpoint), 1);
    releaseAddresses(network, endpoint);
    // The default route went with the endpoint that gave it: the next one elected gives it now.
    const next = gatewayBefore === endpoint && !leaving ? this.#gatewayOf(sandbox!) : undefined;
    const driver = this.#driverOf(network);
    return [
      ...driver.leave(network, endpoint),
      ...(next ? [routeAdd(sandbox!.ns, { to: 'default', via: this.network(next.network).ipam.gateway, dev: next.ifname })] : []),
      ...removal(driver.endpointRules(network, endpoint)),
      ...this.#resolvers.leave(network, container, endpoint),
      ...(leaving ? [] : this.#files.disconnect(sandbox!, network, endpoint)),
    ];
  }

  /**
   * `docker rm -f CTR`: every endpoint goes as in disconnect, its ports' rules and proxies,
   * then the namespace. (The link is deleted first: a deleted namespace's links go later,
   * asynchronously, and the next container may want the same names.)
   */
  rm(container: string): Op[] {
    const sandbox = refuse.existing(this.sandboxes, container, 'docker ps lists the containers');
    refuse.refuseRemoveShared(container, [...this.sandboxes.values()].filter((s) => s.joins === container).map((s) => s.container));
    if (sandbox.mode === 'host' || sandbox.mode === 'container') {
      this.sandboxes.delete(container);
      return [];
    }
    const unpublish = sandbox.published.flatMap((p) => removal(this.publish(this.network(p.network), p.endpoint, p.ports)));
    // Leaving every network: no default route to move to another on the way out.
    const endpoints = [...sandbox.endpoints].reverse().flatMap((e) => this.disconnect(e.network, container, true));
    this.sandboxes.delete(container);
    return [...unpublish, ...endpoints, ...this.#resolvers.stop(container), ...this.#files.remove(sandbox), netnsDel(sandbox.ns)];
  }

  /** `docker network rm NET`: its rules taken back, then its links. */
  networkRm(name: string): Op[] {
    const network = this.network(name);
    const users = [...this.sandboxes.values()].filter((s) => s.endpoints.some((e) => e.network === name)).map((s) => ({ container: s.container, endpointId: this.endpointId(s.container, name) }));
    refuse.refuseNetworkRm(network, users, this.spec.profile.docker === '27');
    this.networks.delete(name);
    return this.#driverOf(network).delete(network);
  }

  /** The ports of `docker run -p`, where the network's driver publishes at all. */
  publish(network: Network, endpoint: Endpoint, ports: readonly PortBinding[]): Op[] {
    if (!this.#driverOf(network).publishes) return [];
    return mapPorts({ hostNs: this.spec.hostNs, profile: this.spec.profile, fw: this.fw, fw6: () => this.ip6.fw, stateDir: this.spec.stateDir }, network, endpoint, ports);
  }

  /** Can its traffic leave the docker host: --network host, or an endpoint on a network that is not --internal. */
  routesOut(container: string): boolean {
    const s = this.sandboxes.get(container);
    return s?.mode === 'host' || (s?.endpoints ?? []).some((e) => !this.network(e.network).internal);
  }

  network(name: string): Network {
    const n = this.networks.get(name);
    if (!n) throw new NslabError(`network ${name} not found`, { hint: `known networks: ${[...this.networks.keys()].join(', ') || 'none'}` });
    return n;
  }

  #driverOf(network: Network): NetworkDriver {
    return this.#drivers[network.driver];
  }

  #join(network: Network, sandbox: Sandbox, opts: { ip?: string | undefined; ip6?: string | undefined; aliases?: readonly string[] | undefined; priority?: number | undefined; connected?: boolean; gateway?: true }): { endpoint: Endpoint; ops: Op[] } {
    refuse.refuseEndpointOptions(network, opts);
    const ifname = `eth${sandbox.endpoints.length}`;
    const driver = this.#driverOf(network);
    const gatewayBefore = this.#gatewayOf(sandbox);
    const { endpoint, ops } = driver.join(network, { name: sandbox.container, ns: sandbox.ns }, {
      ifname,
      // The first endpoint elected gets the default route with its link; a later one takes it over (below).
      defaultRoute: gatewayBefore === undefined && !network.internal && driver.givesGateway,
      address: opts.ip, address6: opts.ip6,
      mac: (address: string) => endpointMac(this.spec.profile, address, this.spec.lab, network.name, sandbox.container),
    });
    // The names the embedded DNS gives it: the container's, its aliases, its short ID and hostname (buildEndpointDNSNames).
    const names = [sandbox.container, ...(opts.aliases ?? []), sandbox.id.slice(0, 12), ...(sandbox.hostname ? [sandbox.hostname] : [])];
    const joined: Endpoint = { ...endpoint, ...(opts.gateway ? { gateway: true } : { names }), ...(opts.ip === undefined ? {} : { requested: true }), ...(opts.ip6 === undefined ? {} : { requested6: true }), ...(opts.priority ? { priority: opts.priority } : {}), ...(opts.connected ? { connected: true } : {}) };
    sandbox.endpoints.push(joined);
    // Docker elects the gateway endpoint again: one that ranks above the one before takes the default route.
    if (gatewayBefore !== undefined && this.#gatewayOf(sandbox) === joined) {
      ops.push(defaultRouteMove(sandbox.ns, { via: network.ipam.gateway, dev: ifname }, { via: this.network(gatewayBefore.network).ipam.gateway, dev: gatewayBefore.ifname }));
    }
    const settled = [...ops, ...driver.portSettings(network, endpoint), ...driver.endpointRules(network, endpoint)];
    if (opts.gateway) return { endpoint, ops: settled };
    return { endpoint, ops: [...settled, ...this.#resolvers.join(network, sandbox, endpoint, names), ...this.#defaultGateway(sandbox)] };
  }

  /** No endpoint gives a default route (an overlay's do not): libnetwork's gateway endpoint on docker_gwbridge, nameless (default_gateway.go). */
  #defaultGateway(sandbox: Sandbox): Op[] {
    const gwbridge = this.networks.get('docker_gwbridge');
    if (!gwbridge || this.#gatewayOf(sandbox) || sandbox.endpoints.every((e) => this.#driverOf(this.network(e.network)).givesGateway)) return [];
    return this.#join(gwbridge, sandbox, { gateway: true }).ops;
  }

  #gatewayOf(sandbox: Sandbox): Endpoint | undefined {
    return electGateway(sandbox.endpoints, (network) => this.#internal(network) || !this.#driverOf(this.network(network)).givesGateway);
  }

  #internal(network: string): boolean {
    return this.network(network).internal === true;
  }

  #extraHosts(extra: RunOptions['addHosts']): { name: string; address: string }[] {
    return extraHosts(extra ?? [], this.networks.get('bridge')?.ipam.gateway);
  }

  #define(name: string, opts: NetworkCreateOptions, isDefault: boolean, driver: DriverData = { driver: 'bridge' }): Network {
    const generation = (this.#creations.get(name) ?? 0) + 1;
    this.#creations.set(name, generation);
    const network = defineNetwork(this.spec, [...this.networks.values()], { name, opts, isDefault, driver, generation });
    this.networks.set(name, network);
    return network;
  }

  endpointId(container: string, network: string): string {
    return endpointId(this.spec.lab, container, network);
  }

  containerId(name: string): string {
    return containerId(this.spec.lab, name);
  }
}
