import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { NslabError } from '../errors.js';
import { Ipam, parseSubnet, type Subnet } from '../model/ipam.js';
import { nsName, validateIfName } from '../model/names.js';
import { advertiseAddress, bridgePortHairpin, defaultRouteMove, linkDel, netnsDel, routeAdd } from '../ops/ip.js';
import { sysctlSet } from '../ops/sysctl.js';
import { fileRemove, fileRewrite, fileWrite } from '../ops/file.js';
import { daemonStart, daemonStop } from '../ops/process.js';
import type { Op } from '../ops/op.js';
import { nextPool } from './address-pools.js';
import { attachContainer, createBridgeNetwork, createContainerNamespace, type BridgeNetwork, type Endpoint, type Tools } from './bridge-network.js';
import { DOCKER0, EMBEDDED_DNS, WAN } from '../model/defaults.js';
import { etcHosts, resolvConf } from './container-files.js';
import { netnsEtcPath } from '../kernel/netns-fs.js';
import { dnsRecord, dnsRecordRemove, embeddedResolver, resolverJoins, resolverLeaves, resolverName, type DnsLayout } from './embedded-dns.js';
import { firewallerFor, noFirewall } from './firewall/index.js';
import { removal, type Firewaller, type FirewallNetwork, type PortBinding } from './firewall/firewaller.js';
import { attachMacvlan, type MacvlanMode } from './macvlan-network.js';
import { endpointMac } from './mac.js';
import { networkId, userBridgeName } from './user-network.js';
import type { Profile } from './profile.js';

// libnetwork by hand: the engine holds the Networks, their Endpoints and the containers'
// Sandboxes (the CNM of the first chapter), and offers what dockerd does when asked:
// start, network create, run, connect. Each action returns the typed ops that do it; the
// executor applies them and the journal remembers them, so undoing one is its ops' inverses.

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
  /** 'none': write no firewall rules (root-namespace mode writes its own few). */
  readonly firewall?: 'profile' | 'none' | undefined;
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
}

export interface Network extends BridgeNetwork {
  /** 64 hex characters; the bridge of a user-defined network is br- and its first 12. */
  readonly id: string;
  /** The default bridge ("bridge", docker0): no embedded DNS, no aliases, no --ip. */
  readonly isDefault: boolean;
  readonly firewall: FirewallNetwork;
  readonly driver: 'bridge' | 'macvlan';
  /** A macvlan network's parent link and mode; its `bridge` is the parent too. */
  readonly macvlan?: { readonly parent: string; readonly mode: MacvlanMode } | undefined;
  /** What `network create` was given, as inspect shows it (a --subnet alone has no Gateway there). */
  readonly asked: { readonly subnet?: string | undefined; readonly gateway?: string | undefined; readonly options: Readonly<Record<string, string>>; readonly labels: Readonly<Record<string, string>> };
}

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
  readonly driver?: 'bridge' | 'macvlan' | undefined;
  /** --ip-range: where addresses are handed out from. */
  readonly ipRange?: string | undefined;
  /** macvlan: -o parent=..., -o macvlan_mode=... */
  readonly parent?: string | undefined;
  readonly macvlanMode?: MacvlanMode | undefined;
  /** The -o KEY=VALUE options as given (network inspect's Options). */
  readonly options?: Readonly<Record<string, string>> | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

export interface RunOptions {
  readonly network?: string | undefined;
  readonly publish?: readonly PortBinding[] | undefined;
  readonly ip?: string | undefined;
  /** --network-alias: more names on the network (user-defined networks only). */
  readonly aliases?: readonly string[] | undefined;
  readonly hostname?: string | undefined;
  /** --add-host NAME:IP or NAME:host-gateway, written to the container's /etc/hosts. */
  readonly addHosts?: readonly { readonly name: string; readonly address: string }[] | undefined;
  /** --gw-priority (28 and later). */
  readonly gwPriority?: number | undefined;
}

/** `--network host|none|container:NAME`: the modes that make no endpoint of their own. */
export type SharedMode = { readonly kind: 'host' } | { readonly kind: 'none' } | { readonly kind: 'container'; readonly container: string };

/** The mode a --network value names, if it is one of those (else it names a network). */
export function sharedMode(network: string | undefined): SharedMode | undefined {
  if (network === 'host' || network === 'none') return { kind: network };
  if (network?.startsWith('container:')) return { kind: 'container', container: network.slice('container:'.length) };
  return undefined;
}

export class Engine {
  readonly fw: Firewaller;
  readonly networks = new Map<string, Network>();
  readonly sandboxes = new Map<string, Sandbox>();
  readonly #creations = new Map<string, number>();
  /** Each container's hosts and resolv.conf as last written, and what they are made of. */
  /** Containers whose embedded DNS runs: it starts with the first user network and stays until rm. */
  readonly #resolving = new Set<string>();
  readonly #files = new Map<string, { extra: readonly { name: string; address: string }[]; addresses: string[]; internal: boolean; hosts?: string[]; resolv?: string[] }>();

  constructor(readonly spec: EngineSpec) {
    this.fw = spec.firewall === 'none' ? noFirewall : firewallerFor(spec.profile, { ns: spec.hostNs, tag: spec.tag });
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
    // With the proxy off, bridged replies must pass conntrack (br_netfilter) for hairpin NAT.
    const noProxy = this.spec.profile.userlandProxy ? [] : [sysctlSet(this.spec.hostNs, 'net.bridge.bridge-nf-call-iptables', '1')];
    return {
      network,
      bridge: [...createBridgeNetwork(network, this.spec.tools), ...this.#localnet(network)],
      firewall: [...noProxy, ...this.fw.daemon(), ...this.fw.newNetwork(network.firewall)],
    };
  }

  /** `docker network create [--subnet] [--internal] [-o ...] NAME`: its bridge, then its rules. */
  networkCreate(name: string, opts: NetworkCreateOptions = {}): { network: Network; ops: Op[]; bridge: Op[]; firewall: Op[] } {
    if (this.networks.has(name)) throw new NslabError(`network with name ${name} already exists`, { hint: 'pick another name, or remove it first (docker network rm)' });
    if (opts.driver === 'macvlan') return this.#macvlanCreate(name, opts);
    const network = this.#define(name, opts, false);
    const bridge = [...createBridgeNetwork(network, this.spec.tools), ...this.#localnet(network)];
    const firewall = this.fw.newNetwork(network.firewall);
    return { network, ops: [...bridge, ...firewall], bridge, firewall };
  }

  /**
   * `docker network create -d macvlan -o parent=eth0`: no bridge and no rules; the children are
   * made as containers join. One macvlan network per parent (Docker refuses a second). Without
   * a parent Docker makes a dummy link (dm-<id>), which nslab does not: a dummy's module is not
   * in every kernel, and such a network reaches nothing but itself.
   */
  #macvlanCreate(name: string, opts: NetworkCreateOptions): { network: Network; ops: Op[]; bridge: Op[]; firewall: Op[] } {
    const parent = opts.parent;
    if (parent === undefined) throw new NslabError('nslab builds macvlan networks on a parent link only', { hint: `give -o parent=${WAN.uplink} (the docker host's uplink, on ${WAN.subnet})` });
    const holder = [...this.networks.values()].find((n) => n.macvlan?.parent === parent);
    if (holder) throw new NslabError(`network ${holder.name} is already using parent interface ${parent}`, { hint: `remove ${holder.name} first, or give another -o parent=` });
    const network = this.#define(name, { ...opts, bridgeName: parent }, false, { driver: 'macvlan', macvlan: { parent, mode: opts.macvlanMode ?? 'bridge' } });
    return { network, ops: [], bridge: [], firewall: [] };
  }

  /** `docker run -d --network NET [-p ...] --name NAME`: a sandbox, its endpoint, its ports. */
  run(name: string, opts: RunOptions = {}): { endpoint: Endpoint; ops: Op[] } {
    this.#assertNameFree(name);
    const network = this.network(opts.network ?? 'bridge');
    const sandbox: Sandbox = { container: name, id: this.containerId(name), hostname: opts.hostname, ns: this.#sandboxNs(name), mode: 'network', runOn: network.name, endpoints: [], published: [] };
    const joined = this.#join(network, sandbox, { ip: opts.ip, aliases: opts.aliases, priority: opts.gwPriority });
    this.sandboxes.set(name, sandbox);
    const ports = opts.publish ?? [];
    if (ports.length > 0) sandbox.published.push({ network: network.name, endpoint: joined.endpoint, ports });
    this.#files.set(name, { extra: this.#extraHosts(opts.addHosts ?? []), addresses: [joined.endpoint.address], internal: false });
    return { endpoint: joined.endpoint, ops: [...createContainerNamespace(sandbox.ns), ...joined.ops, ...this.#writeFiles(sandbox), ...this.publish(network, joined.endpoint, ports)] };
  }

  /**
   * `docker run --network host|none|container:X`: no endpoint. none is a namespace with only
   * lo; host and container: create nothing, the process simply runs in the docker host's
   * namespace or in X's. Docker refuses the options that would need an endpoint of its own
   * (runconfig/errors.go); -p with host is dropped before this, with Docker's warning.
   */
  runShared(name: string, mode: SharedMode, opts: Omit<RunOptions, 'network'> = {}): { sandbox: Sandbox; ops: Op[] } {
    this.#assertNameFree(name);
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
    const ns = mode.kind === 'none' ? this.#sandboxNs(name) : mode.kind === 'host' ? this.#hostNs() : this.#container(mode.container).ns;
    const owner = mode.kind === 'container' ? this.#container(mode.container) : undefined;
    if (owner && owner.mode === 'container') throw new NslabError(`cannot join the network of ${owner.container}: it shares ${owner.joins}'s`, { hint: `use --network container:${owner.joins}` });
    const sandbox: Sandbox = { container: name, id: this.containerId(name), hostname: opts.hostname, ns, mode: mode.kind, joins: owner?.container, endpoints: [], published: [] };
    this.sandboxes.set(name, sandbox);
    if (mode.kind !== 'none') return { sandbox, ops: [] };
    this.#files.set(name, { extra: this.#extraHosts(opts.addHosts ?? []), addresses: [], internal: false });
    return { sandbox, ops: [...createContainerNamespace(ns), ...this.#writeFiles(sandbox)] };
  }

  /**
   * `docker network connect NET CTR`: a second endpoint, the next ethN, and the default route
   * where libnetwork's election puts it (see #gatewayOf: by --gw-priority, then the network's name).
   */
  connect(networkName: string, container: string, opts: { ip?: string | undefined; aliases?: readonly string[] | undefined; gwPriority?: number | undefined } = {}): { endpoint: Endpoint; ops: Op[] } {
    const network = this.network(networkName);
    const sandbox = this.sandboxes.get(container);
    if (!sandbox) throw new NslabError(`No such container: ${container}`, { hint: 'start it first (docker run)' });
    // runconfig.ErrConflictSharedNetwork and ErrConflictNoNetwork
    if (sandbox.mode === 'host' || sandbox.mode === 'container') {
      throw new NslabError('container sharing network namespace with another container or host cannot be connected to any other network', { hint: `${container} runs with --network ${sandbox.mode === 'host' ? 'host' : `container:${sandbox.joins}`}; run a new container on ${networkName} instead` });
    }
    if (sandbox.mode === 'none') throw new NslabError('container cannot be connected to multiple networks with one of the networks in private (none) mode', { hint: `run a new container on ${networkName} instead` });
    if (sandbox.endpoints.some((e) => e.network === network.name)) {
      throw new NslabError(`endpoint with name ${container} already exists in network ${network.name}`, { hint: 'it is connected already' });
    }
    const joined = this.#join(network, sandbox, { ip: opts.ip, aliases: opts.aliases, priority: opts.gwPriority, connected: true });
    this.#files.get(container)?.addresses.push(joined.endpoint.address);
    return { endpoint: joined.endpoint, ops: [...joined.ops, ...this.#writeFiles(sandbox)] };
  }

  /**
   * The endpoint that gives a container its default route, as libnetwork elects it
   * (sandbox.go Endpoint.Less, the same in 26, 27, 28 and 29): the highest --gw-priority,
   * then a network that is not --internal (an internal one has no gateway to give), then
   * the network's name, in byte order.
   */
  #gatewayOf(sandbox: Sandbox): Endpoint | undefined {
    const rank = (e: Endpoint) => ({ prio: e.priority ?? 0, internal: this.network(e.network).internal ? 1 : 0, name: e.network });
    const best = [...sandbox.endpoints].sort((a, b) => {
      const x = rank(a);
      const y = rank(b);
      return y.prio - x.prio || x.internal - y.internal || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);
    })[0];
    return best && !this.network(best.network).internal ? best : undefined;
  }

  /**
   * `docker network disconnect NET CTR`: the endpoint's veth goes (and with it ethN and its
   * address), its rules are taken back, and its name leaves the network's DNS. The resolver
   * stays, answering for the networks left (Docker stops it with the sandbox only).
   */
  disconnect(networkName: string, container: string, leaving = false): Op[] {
    const network = this.network(networkName);
    const sandbox = this.sandboxes.get(container);
    const endpoint = sandbox?.endpoints.find((e) => e.network === network.name);
    if (!sandbox || !endpoint) throw new NslabError(`container ${container} is not connected to network ${networkName}`, { hint: 'docker network connect it first' });
    const gatewayBefore = this.#gatewayOf(sandbox);
    sandbox.endpoints.splice(sandbox.endpoints.indexOf(endpoint), 1);
    network.ipam.release(endpoint.address);
    // The default route went with the endpoint that gave it: the next one elected gives it now.
    const next = gatewayBefore === endpoint && !leaving ? this.#gatewayOf(sandbox) : undefined;
    return [
      // A veth goes by its host end; a macvlan child is only in the container.
      network.macvlan ? linkDel(sandbox.ns, endpoint.ifname) : linkDel(this.spec.hostNs, endpoint.hostIf),
      ...(next ? [routeAdd(sandbox.ns, { to: 'default', via: this.network(next.network).ipam.gateway, dev: next.ifname })] : []),
      ...removal(this.#endpointRules(network, endpoint)),
      ...(network.isDefault ? [] : [dnsRecordRemove(this.dns, network.name, container, endpoint.address, endpoint.names), resolverLeaves(this.dns, container, network.name)]),
      ...(leaving ? [] : this.#leaveHosts(sandbox, network, endpoint)),
    ];
  }

  /**
   * `docker rm -f CTR`: every endpoint goes as in disconnect, its ports' rules and proxies,
   * then the namespace. (The veth is deleted first: a deleted namespace's links go later,
   * asynchronously, and the next container may want the same names.)
   */
  rm(container: string): Op[] {
    const sandbox = this.sandboxes.get(container);
    if (!sandbox) throw new NslabError(`No such container: ${container}`, { hint: 'docker ps lists the containers' });
    const joiners = [...this.sandboxes.values()].filter((s) => s.joins === container).map((s) => s.container);
    if (joiners.length > 0) {
      throw new NslabError(`cannot remove container ${container}: ${joiners.join(', ')} share${joiners.length === 1 ? 's' : ''} its network namespace (--network container:${container})`, { hint: `remove ${joiners.join(', ')} first` });
    }
    if (sandbox.mode === 'host' || sandbox.mode === 'container') {
      this.sandboxes.delete(container);
      return [];
    }
    const unpublish = sandbox.published.flatMap((p) => removal(this.publish(this.network(p.network), p.endpoint, p.ports)));
    // Leaving every network: no default route to move to another on the way out.
    const endpoints = [...sandbox.endpoints].reverse().flatMap((e) => this.disconnect(e.network, container, true));
    this.sandboxes.delete(container);
    // Its resolver runs in its namespace, which outlives `ip netns del` while a process is in it.
    const resolver = this.#resolving.delete(container) ? [daemonStop(join(this.spec.stateDir, 'pids'), resolverName(container))] : [];
    return [...unpublish, ...endpoints, ...resolver, ...this.#removeFiles(sandbox), netnsDel(sandbox.ns)];
  }

  /** `docker network rm NET`: its rules taken back, then its bridge. */
  networkRm(name: string): Op[] {
    const network = this.network(name);
    if (network.isDefault) throw new NslabError(`bridge is a pre-defined network and cannot be removed`, { hint: 'only user-defined networks can be removed' });
    const users = [...this.sandboxes.values()].filter((s) => s.endpoints.some((e) => e.network === name)).map((s) => s.container);
    if (users.length > 0) {
      // 28 names the endpoints (name and short endpoint ID); 27 named the network's ID.
      const held = this.#classicWords() ? `network ${name} id ${network.id} has active endpoints` : `network ${name} has active endpoints (${users.map((u) => `name:"${u}" id:"${this.endpointId(u, name).slice(0, 12)}"`).join(', ')})`;
      throw new NslabError(`error while removing network: ${held}`, { hint: `docker rm -f ${users.join(' ')}, or docker network disconnect them, first` });
    }
    this.networks.delete(name);
    if (network.macvlan) return [];
    return [...removal(this.fw.newNetwork(network.firewall)), linkDel(this.spec.hostNs, network.bridge)];
  }

  /** The ports of `docker run -p`: the firewall's rules, and docker-proxy where it runs. */
  publish(network: Network, endpoint: Endpoint, ports: readonly PortBinding[]): Op[] {
    // A macvlan endpoint is on the LAN itself: there is nothing to publish through (Docker ignores -p).
    if (ports.length === 0 || network.macvlan) return [];
    // docker-proxy per port and host address; a port on every address gets one for 0.0.0.0
    // and one for the IPv6 any address, as Docker binds both ([::] in docker ps).
    // UDP ports get one too (Docker runs docker-proxy -proto udp), but SCTP's none here.
    const proxies = this.spec.profile.userlandProxy
      ? ports
          .flatMap((p) => (p.hostIp ? [[p, p.hostIp, '']] : [[p, '0.0.0.0', ''], [p, '::', '-v6']]) as [PortBinding, string, string][])
          .map(([p, ip, suffix]) =>
            daemonStart(this.spec.hostNs, join(this.spec.stateDir, 'pids'), `docker-proxy-${endpoint.container}-${p.hostPort}${p.protocol === 'udp' ? '-udp' : ''}${suffix}`, [
              `${p.protocol}-proxy`,
              ip,
              String(p.hostPort),
              endpoint.address,
              String(p.containerPort),
            ]),
          )
      : [];
    return [...this.fw.addPorts(network.firewall, endpoint, ports), ...proxies];
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

  #join(network: Network, sandbox: Sandbox, opts: { ip?: string | undefined; aliases?: readonly string[] | undefined; priority?: number | undefined; connected?: boolean }): { endpoint: Endpoint; ops: Op[] } {
    if (opts.ip !== undefined && network.isDefault) {
      const why = '* user specified IP address is supported on user defined networks only\n* user specified IP address is supported only when connecting to networks with user configured subnets';
      throw new NslabError(`invalid config for network ${network.name}: invalid endpoint settings:\n${why}`, { hint: 'create a network with --subnet and run the container on it' });
    }
    if ((opts.aliases?.length ?? 0) > 0 && network.isDefault) {
      throw new NslabError('network-scoped aliases are only supported for user-defined networks', { hint: 'run the container on a network made with docker network create' });
    }
    const ifname = `eth${sandbox.endpoints.length}`;
    const { profile } = this.spec;
    const gatewayBefore = this.#gatewayOf(sandbox);
    const how = {
      ifname,
      // The first endpoint elected gets the default route with its link; a later one takes it over (below).
      defaultRoute: gatewayBefore === undefined && !network.internal,
      address: opts.ip,
      mac: (address: string) => endpointMac(profile, address, this.spec.lab, network.name, sandbox.container),
    };
    const container = { name: sandbox.container, ns: sandbox.ns };
    const { endpoint, ops } = network.macvlan
      ? attachMacvlan({ ...network, ...network.macvlan }, container, how)
      : attachContainer(network, container, { ...this.spec.tools, ...how });
    // Only user-defined networks get the embedded DNS (daemon/network.go disables it on the
    // default bridge). Its names: the container's, its aliases, its short ID and hostname
    // (buildEndpointDNSNames).
    const names = [sandbox.container, ...(opts.aliases ?? []), sandbox.id.slice(0, 12), ...(sandbox.hostname ? [sandbox.hostname] : [])];
    const joined: Endpoint = { ...endpoint, names, ...(opts.ip === undefined ? {} : { requested: true }), ...(opts.priority ? { priority: opts.priority } : {}), ...(opts.connected ? { connected: true } : {}) };
    sandbox.endpoints.push(joined);
    // Docker elects the gateway endpoint again: one that ranks above the one before takes the default route.
    if (gatewayBefore !== undefined && this.#gatewayOf(sandbox) === joined) {
      ops.push(defaultRouteMove(sandbox.ns, { via: network.ipam.gateway, dev: ifname }, { via: this.network(gatewayBefore.network).ipam.gateway, dev: gatewayBefore.ifname }));
    }
    // Since 28 a reused address comes with a new MAC: tell the neighbours (advertiseAddrs).
    if (profile.endpointMac === 'random') ops.push(advertiseAddress(sandbox.ns, ifname, endpoint.address));
    // setHairpinMode: only without the proxy does a container reach itself by the bridge.
    if (!profile.userlandProxy && !network.macvlan) ops.push(bridgePortHairpin(this.spec.hostNs, endpoint.hostIf));
    const dns = network.isDefault ? [] : [dnsRecord(this.dns, network.name, sandbox.container, endpoint.address, names)];
    // The first user-defined network starts the container's resolver; later ones join its view.
    const starts = !network.isDefault && !this.#resolving.has(sandbox.container);
    if (starts) this.#resolving.add(sandbox.container);
    const resolver = network.isDefault
      ? []
      : starts
        ? embeddedResolver(this.dns, { name: sandbox.container, ns: sandbox.ns }, [network.name], { upstream: this.#upstream(sandbox), firewall: this.spec.profile.firewall })
        : [resolverJoins(this.dns, sandbox.container, network.name)];
    return { endpoint, ops: [...ops, ...this.#endpointRules(network, endpoint), ...dns, ...resolver] };
  }

  /**
   * Where the embedded DNS forwards what it does not know. Docker 28 asks the host file's
   * servers from the host's namespace, and not at all for a container with no way out (only
   * --internal networks: SERVFAIL); 27 asks them from the container's namespace, where they
   * fail if it has no way out. (Docker re-decides as endpoints come and go; nslab decides
   * when the resolver starts.)
   */
  #upstream(sandbox: Sandbox): string | undefined {
    const fromHost = this.spec.profile.docker !== '27';
    if (fromHost && !sandbox.endpoints.some((e) => !this.network(e.network).internal)) return undefined;
    // Asked from the host's namespace, a nameserver the host has no route to fails at once.
    if (fromHost && this.spec.uplink === false) return undefined;
    return this.spec.nameserver;
  }

  /** --add-host's entries, host-gateway resolved: the daemon's host-gateway-ip, by default the default bridge's gateway (daemon_unix.go setHostGatewayIP). */
  #extraHosts(extra: readonly { name: string; address: string }[]): { name: string; address: string }[] {
    const gateway = this.networks.get('bridge')?.ipam.gateway;
    return extra.map((h) => {
      const address = h.address === 'host-gateway' ? gateway : h.address;
      if (address === undefined) throw new NslabError('host-gateway has no address: there is no default bridge', { hint: 'give the address itself: --add-host NAME:IP' });
      return { name: h.name, address };
    });
  }

  /**
   * The container's hosts and resolv.conf as Docker writes them now (container-files.ts):
   * written at run, written again when a connect or disconnect changes them. A container
   * that shares the host's or another's namespace sees their files.
   */
  #writeFiles(sandbox: Sandbox): Op[] {
    const state = this.#files.get(sandbox.container);
    if (!state) return [];
    const docker = this.spec.profile.docker;
    state.internal ||= sandbox.endpoints.some((e) => !this.network(e.network).isDefault);
    const hosts = etcHosts({ docker, hostname: sandbox.hostname ?? sandbox.id.slice(0, 12), extra: state.extra, addresses: state.addresses });
    const resolv = resolvConf({ docker, hostNameservers: this.spec.nameserver ? [this.spec.nameserver] : [], internal: state.internal });
    const ops: Op[] = [];
    for (const [file, lines, before] of [['hosts', hosts, state.hosts], ['resolv.conf', resolv, state.resolv]] as const) {
      const path = netnsEtcPath(sandbox.ns, file);
      const what = file === 'hosts' ? hosts.slice(6).map((l) => l.replace('\t', ' ')).join(', ') || 'localhost' : state.internal ? `nameserver ${EMBEDDED_DNS}` : `the host's nameserver${this.spec.nameserver ? ` ${this.spec.nameserver}` : 's'}`;
      if (before === undefined) ops.push(fileWrite(path, lines, `write /etc/${file} for ${sandbox.container} (${what})`));
      else if (before.join('\n') !== lines.join('\n')) ops.push(fileRewrite(path, lines, before, `write /etc/${file} for ${sandbox.container} again (${what})`));
    }
    state.hosts = hosts;
    state.resolv = resolv;
    return ops;
  }

  /**
   * A disconnect's /etc/hosts. Docker 28 takes out the line of the endpoint's address. Docker
   * 27 (and 26) deletes every line that ends with a name the network's DNS knows for another
   * record (getSvcRecords): the container's short ID or hostname is one, so all its own lines
   * go; the default bridge has no such records, and its line stays.
   */
  #leaveHosts(sandbox: Sandbox, network: Network, endpoint: Endpoint): Op[] {
    const state = this.#files.get(sandbox.container);
    if (!state) return [];
    if (this.spec.profile.docker !== '27') state.addresses = state.addresses.filter((a) => a !== endpoint.address);
    else if (!network.isDefault) state.addresses = [];
    return this.#writeFiles(sandbox);
  }

  /** docker rm: the files go with the container (undone, they come back as they were). */
  #removeFiles(sandbox: Sandbox): Op[] {
    const state = this.#files.get(sandbox.container);
    this.#files.delete(sandbox.container);
    if (!state) return [];
    return (['hosts', 'resolv.conf'] as const).map((file) => fileRemove(netnsEtcPath(sandbox.ns, file), `remove /etc/${file} of ${sandbox.container}`, file === 'hosts' ? state.hosts : state.resolv));
  }

  /**
   * Without the proxy, the host's connections to 127.0.0.1:<published> are DNATed to the
   * container and must be routable out of the bridge (setupLoopbackAddressesRouting).
   */
  #localnet(network: Network): Op[] {
    return this.spec.profile.userlandProxy ? [] : [sysctlSet(this.spec.hostNs, `net.ipv4.conf.${network.bridge}.route_localnet`, '1')];
  }

  /** The rules an endpoint gets: a bridge's from the firewall, a macvlan's none. */
  #endpointRules(network: Network, endpoint: Endpoint): Op[] {
    return network.macvlan ? [] : this.fw.addEndpoint(network.firewall, endpoint);
  }

  #define(name: string, opts: NetworkCreateOptions, isDefault: boolean, driver: Pick<Network, 'driver' | 'macvlan'> = { driver: 'bridge' }): Network {
    const generation = (this.#creations.get(name) ?? 0) + 1;
    this.#creations.set(name, generation);
    const id = networkId(this.spec.lab, name, generation);
    const taken = [...this.networks.values()].map((n) => n.ipam.subnet);
    const subnet = opts.subnet ?? nextPool([...taken, ...(this.spec.takenPools ?? [])], this.spec.hostRoutes);
    if (opts.subnet !== undefined) {
      const s = parseSubnet(opts.subnet);
      const clash = [...this.networks.values()].find((n) => n.ipam.subnet.first <= s.last && s.first <= n.ipam.subnet.last);
      if (clash) throw new NslabError(`${this.#classicWords() ? '' : 'invalid pool request: '}Pool overlaps with other one on this address space`, { hint: `${opts.subnet} overlaps ${clash.ipam.subnet.cidr} of network ${clash.name}` });
    }
    const bridge = validateIfName(opts.bridgeName ?? (isDefault ? DOCKER0.bridge : userBridgeName(this.spec.lab, name, generation)));
    const ipam = new Ipam(subnet, opts.gateway, opts.ipRange);
    const internal = opts.internal ?? false;
    const icc = opts.icc ?? true;
    const network: Network = {
      name,
      id,
      bridge,
      ipam,
      hostNs: this.spec.hostNs,
      internal,
      icc,
      isDefault,
      firewall: { bridge, subnet: ipam.subnet.cidr, internal, icc, masquerade: !internal },
      ...driver,
      asked: { subnet: opts.subnet, gateway: opts.gateway, options: opts.options ?? {}, labels: opts.labels ?? {} },
    };
    this.networks.set(name, network);
    return network;
  }

  #assertNameFree(name: string): void {
    const held = this.sandboxes.get(name);
    if (held) throw new NslabError(`Conflict. The container name "/${name}" is already in use by container "${held.id}". You have to remove (or rename) that container to be able to reuse that name.`, { hint: `docker rm -f ${name} first, or pick another --name` });
  }

  /** Docker 27's daemon words some refusals as 26 did; 28 reworded them. */
  #classicWords(): boolean {
    return this.spec.profile.docker === '27';
  }

  /** An endpoint's ID: derived from its container and network, as stable as their own. */
  endpointId(container: string, network: string): string {
    return createHash('sha256').update(`${this.spec.lab}/endpoint/${container}/${network}`).digest('hex');
  }

  /** A container's ID: derived from its name and the engine's instance, as stable as both. */
  containerId(name: string): string {
    return createHash('sha256').update(`${this.spec.lab}/container/${name}`).digest('hex');
  }

  #container(name: string): Sandbox {
    const s = this.sandboxes.get(name);
    if (!s) throw new NslabError(`No such container: ${name}`, { hint: 'start it first (docker run), or docker ps to see the names' });
    return s;
  }

  #hostNs(): string {
    if (this.spec.hostNs === undefined) throw new NslabError('--network host in the root namespace would be nslab\'s own namespace', { hint: 'run it on the sandbox engine (without --root-ns)' });
    return this.spec.hostNs;
  }

  #sandboxNs(container: string): string {
    return nsName(this.spec.lab, container);
  }
}
