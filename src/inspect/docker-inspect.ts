import type { ContainerRecord } from '../docker/commands.js';
import type { Network, Sandbox } from '../docker/cnm.js';
import type { Engine } from '../docker/engine.js';
import { networkId } from '../docker/user-network.js';
import type { PortBinding } from '../docker/firewall/firewaller.js';
import { goMap } from './go-map.js';
import { inspectMacvlan, inspectNetworks, type NetworkInspect } from './network-inspect.js';
import type { LiveNamespace } from './world.js';

// `docker inspect` and `docker network inspect` of the sandbox engine: the shape and field
// order Docker prints (API 1.45 for the Docker 27 profile, 1.48+ for 28 and 29), what the
// engine knows (names, IDs, options) joined with what the kernel has (addresses, MACs).
// Docker's Go maps (Networks, Options, Labels, Containers, Ports) are marked for templates.

export interface InspectSource {
  readonly engine: Engine;
  readonly containers: ReadonlyMap<string, ContainerRecord>;
  /** The sandbox instance: Docker's IDs for host and none are derived from it. */
  readonly lab: string;
  readonly world: readonly LiveNamespace[];
  /** Docker 27 speaks API 1.45: no EnableIPv4, no GwPriority. */
  readonly api: 'v1.45' | 'v1.48';
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Docker's port map key and bindings: {"80/tcp": [{HostIp, HostPort}]}. */
function portMap(published: readonly PortBinding[], bound: boolean): Record<string, { HostIp: string; HostPort: string }[]> {
  const out: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of published) {
    const key = `${p.containerPort}/${p.protocol}`;
    const ips = bound ? (p.hostIp ? [p.hostIp] : ['0.0.0.0', '::']) : [p.hostIp ?? ''];
    // A routed family binds no host port: Docker shows its binding with an empty HostPort.
    out[key] = [...(out[key] ?? []), ...ips.map((ip) => ({ HostIp: ip, HostPort: p.hostPort === 0 ? '' : String(p.hostPort) }))];
  }
  return goMap(out);
}

function endpointSettings(src: InspectSource, s: Sandbox, net: Network, live: LiveNamespace | undefined) {
  const e = s.endpoints.find((x) => x.network === net.name)!;
  const iface = live?.interfaces.find((i) => i.name === e.ifname);
  const address = iface?.addresses.find((a) => a.startsWith(`${e.address}/`)) ?? iface?.addresses[0] ?? '';
  const user = !net.isDefault;
  const aliases = (e.names ?? []).filter((n) => n !== s.container && n !== s.id.slice(0, 12) && n !== s.hostname);
  // What the CLI sent is what inspect shows: run sends an endpoint's settings only where given
  // (--ip, --network-alias), connect sends them all, empty.
  const given = e.connected === true;
  const head = {
    IPAMConfig: e.requested || e.requested6 ? { ...(e.requested ? { IPv4Address: e.address } : {}), ...(e.requested6 ? { IPv6Address: e.address6 } : {}) } : user && given ? {} : null,
    Links: null,
    Aliases: user && (given || aliases.length > 0) ? aliases : null,
    MacAddress: iface?.mac ?? e.mac,
  };
  const addressing = {
    NetworkID: net.id,
    EndpointID: src.engine.endpointId(s.container, net.name),
    // An --internal network gives its endpoints no gateway.
    Gateway: net.internal ? '' : net.ipam.gateway,
    IPAddress: address.split('/')[0] ?? '',
    IPPrefixLen: Number(address.split('/')[1] ?? 0),
    // A network with --ipv6: the endpoint's IPv6 address and the network's IPv6 gateway.
    IPv6Gateway: net.ipam6 && !net.internal ? net.ipam6.gateway : '',
    GlobalIPv6Address: e.address6 ?? '',
    GlobalIPv6PrefixLen: e.address6 ? (net.ipam6?.prefix ?? 0) : 0,
  };
  const dnsNames = user ? [...(e.names ?? [])] : null;
  // The field order of each API: 1.48 moved DriverOpts up and added GwPriority.
  return src.api === 'v1.45'
    ? { ...head, ...addressing, DriverOpts: given ? {} : null, DNSNames: dnsNames }
    : { ...head, DriverOpts: given ? {} : null, GwPriority: e.priority ?? 0, ...addressing, DNSNames: dnsNames };
}

/** `docker inspect CONTAINER`, the fields that concern its network, in Docker's order. */
export function containerInspect(src: InspectSource, s: Sandbox) {
  const record = src.containers.get(s.container);
  const [path = '', ...args] = record?.command ?? [];
  const live = src.world.find((w) => w.ns === s.ns);
  const published = record?.publish ?? [];
  const created = record?.created ?? ZERO_TIME;
  // The mode it was run with, whatever it was connected to or disconnected from since.
  const mode = s.mode === 'network' ? (s.runOn ?? 'bridge') : s.mode === 'container' ? `container:${src.engine.sandboxes.get(s.joins!)?.id ?? s.joins}` : s.mode;
  const networks: Record<string, unknown> = {};
  for (const e of [...s.endpoints].sort((a, b) => a.network.localeCompare(b.network))) networks[e.network] = endpointSettings(src, s, src.engine.network(e.network), live);
  // host and none show as their pre-defined networks, with no address; container: shows none.
  if (s.mode === 'host' || s.mode === 'none') {
    const addressing = { NetworkID: networkId(src.lab, s.mode, 1), EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0 };
    const head = { IPAMConfig: null, Links: null, Aliases: null, MacAddress: '' };
    networks[s.mode] = src.api === 'v1.48' ? { ...head, DriverOpts: null, GwPriority: 0, ...addressing, DNSNames: null } : { ...head, ...addressing, DriverOpts: null, DNSNames: null };
  }
  const exposed = goMap(Object.fromEntries((record?.exposed ?? []).map((p) => [p, {}])));
  // Every exposed port is in Ports: with its bindings where published, else null.
  const ports = s.mode === 'network' ? goMap({ ...Object.fromEntries((record?.exposed ?? []).map((p) => [p, null])), ...portMap(record?.bound ?? published, true) }) : goMap({});
  return {
    Id: s.id,
    Created: created,
    Path: path,
    Args: args,
    State: { Status: 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 0, ExitCode: 0, Error: '', StartedAt: created, FinishedAt: ZERO_TIME },
    Image: record?.image ?? '',
    Name: `/${s.container}`,
    HostConfig: { NetworkMode: mode, PortBindings: portMap(published, false) },
    Config: { Hostname: s.hostname ?? (s.mode === 'host' ? 'host' : s.id.slice(0, 12)), ExposedPorts: Object.keys(exposed).length ? exposed : null, Cmd: record?.command ?? [], Image: record?.image ?? '' },
    NetworkSettings: { SandboxKey: s.mode === 'host' ? '/var/run/docker/netns/default' : `/var/run/netns/${s.ns}`, Ports: ports, Networks: goMap(networks) },
  };
}

/**
 * `docker inspect` of a container that is not running: its config, no sandbox, no addresses.
 * Its networks are as configured: run's with the network's ID, a connect's still empty.
 */
export function stoppedInspect(src: InspectSource, r: ContainerRecord & { readonly id: string }) {
  const [path = '', ...args] = r.command;
  const created = r.created ?? ZERO_TIME;
  const exited = r.state === 'exited';
  const networks: Record<string, unknown> = {};
  r.networks.forEach((name, i) => {
    const net = src.engine.networks.get(name);
    const run = i === 0;
    const user = net !== undefined && !net.isDefault;
    const ip = run ? r.asked?.ip : undefined;
    const head = { IPAMConfig: ip ? { IPv4Address: ip } : run ? null : {}, Links: null, Aliases: run ? (r.asked?.aliases ?? null) : [], MacAddress: '' };
    const addressing = { NetworkID: run ? (net?.id ?? networkId(src.lab, name, 1)) : '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0 };
    const dnsNames = user || !run ? [r.name, ...(run ? (r.asked?.aliases ?? []) : []), r.id.slice(0, 12)] : null;
    const driverOpts = run ? null : {};
    networks[name] = src.api === 'v1.48' ? { ...head, DriverOpts: driverOpts, GwPriority: 0, ...addressing, DNSNames: dnsNames } : { ...head, ...addressing, DriverOpts: driverOpts, DNSNames: dnsNames };
  });
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of r.asked?.publish ?? []) {
    const key = `${p.containerPort}/${p.protocol}`;
    const host = p.hostPort === undefined ? '' : typeof p.hostPort === 'number' ? String(p.hostPort) : `${p.hostPort.from}-${p.hostPort.to}`;
    bindings[key] = [...(bindings[key] ?? []), { HostIp: p.hostIp ?? '', HostPort: host }];
  }
  const exposed = goMap(Object.fromEntries(r.exposed.map((p) => [p, {}])));
  return {
    Id: r.id,
    Created: created,
    Path: path,
    Args: args,
    State: { Status: r.state, Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 0, ExitCode: exited ? 0 : 128, Error: r.error ?? '', StartedAt: exited ? created : ZERO_TIME, FinishedAt: exited ? created : ZERO_TIME },
    Image: r.image,
    Name: `/${r.name}`,
    HostConfig: { NetworkMode: r.networks[0] ?? 'bridge', PortBindings: goMap(bindings) },
    Config: { Hostname: r.id.slice(0, 12), ExposedPorts: Object.keys(exposed).length ? exposed : null, Cmd: [...r.command], Image: r.image },
    NetworkSettings: { SandboxKey: '', Ports: goMap({}), Networks: goMap(networks) },
  };
}

/**
 * `docker network inspect NETWORK`: the engine's network (its IPAM config as asked: a
 * `--subnet` alone has no Gateway there; a user network's Options are its -o's only), with
 * its containers as the kernel has them.
 */
export function networkInspect(src: InspectSource, net: Network, created: string | undefined): NetworkInspect {
  const live = net.macvlan
    ? inspectMacvlan({ name: net.name, id: net.id, subnet: net.ipam.subnet.cidr, ipRange: net.ipam.range === net.ipam.subnet ? undefined : net.ipam.range.cidr, gateway: net.ipam.gateway, internal: net.internal ?? false, ...net.macvlan, children: childrenOf(src, net) }, src.world)
    : inspectNetworks(src.world).find((l) => l.Options['com.docker.network.bridge.name'] === net.bridge && l.Options['nslab.namespace'] === (src.engine.spec.hostNs ?? 'root'));
  // A container: container shares its owner's namespace and has no endpoint of its own.
  const byNs = new Map([...src.engine.sandboxes.values()].filter((s) => s.mode !== 'container').map((s) => [s.ns, s]));
  const containers: NetworkInspect['Containers'] = {};
  for (const c of Object.values(live?.Containers ?? {})) {
    const s = byNs.get(`nslab-${src.lab}-${c.Name}`) ?? [...src.engine.sandboxes.values()].find((x) => x.container === c.Name);
    const address6 = s?.endpoints.find((e) => e.network === net.name)?.address6;
    if (s) containers[s.id] = { ...c, Name: s.container, EndpointID: src.engine.endpointId(s.container, net.name), IPv6Address: address6 && net.ipam6 ? net.ipam6.withPrefix(address6) : c.IPv6Address };
  }
  const aux = net.asked.auxAddresses && Object.keys(net.asked.auxAddresses).length ? { AuxiliaryAddresses: { ...net.asked.auxAddresses } } : {};
  const config = net.isDefault || net.asked.subnet === undefined || net.asked.gateway !== undefined ? { Subnet: net.ipam.subnet.cidr, ...(net.ipam.range === net.ipam.subnet ? {} : { IPRange: net.ipam.range.cidr }), Gateway: net.ipam.gateway, ...aux } : { Subnet: net.ipam.subnet.cidr, ...(net.ipam.range === net.ipam.subnet ? {} : { IPRange: net.ipam.range.cidr }), ...aux };
  const options = net.isDefault
    ? {
        'com.docker.network.bridge.default_bridge': 'true',
        'com.docker.network.bridge.enable_icc': 'true',
        'com.docker.network.bridge.enable_ip_masquerade': 'true',
        'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
        'com.docker.network.bridge.name': net.bridge,
        'com.docker.network.driver.mtu': '1500',
      }
    : { ...net.asked.options };
  return {
    Name: net.name,
    Id: net.id,
    Created: created ?? ZERO_TIME,
    Scope: 'local',
    Driver: net.driver,
    ...(src.api === 'v1.48' ? { EnableIPv4: true } : {}),
    EnableIPv6: net.ipam6 !== undefined,
    IPAM: { Driver: 'default', Options: net.isDefault ? null : goMap({}), Config: ipamConfigs(net, config) },
    Internal: net.internal ?? false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: goMap(sortedKeys(containers)),
    Options: goMap(options),
    Labels: goMap({ ...net.asked.labels }),
  } as NetworkInspect;
}

/**
 * Each family's pool, as IPAM.Config lists them: the ones `network create` was given first,
 * in the order given (IPv4, then IPv6), then those the default pools supplied.
 */
function ipamConfigs(net: Network, v4: object): object[] {
  if (!net.ipam6) return [v4];
  const v6 = net.asked.subnet6 !== undefined && net.asked.gateway6 === undefined ? { Subnet: net.ipam6.subnet.cidr } : { Subnet: net.ipam6.subnet.cidr, Gateway: net.ipam6.gateway };
  return net.asked.subnet6 !== undefined && net.asked.subnet === undefined ? [v6, v4] : [v4, v6];
}

function childrenOf(src: InspectSource, net: Network) {
  return [...src.engine.sandboxes.values()].flatMap((s) => s.endpoints.filter((e) => e.network === net.name).map((e) => ({ id: s.id, name: s.container, ns: s.ns, ifname: e.ifname })));
}

/** Go prints a map's keys sorted. */
function sortedKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
}
