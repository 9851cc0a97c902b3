import { join } from 'node:path';
import { NslabError } from '../errors.js';
import { shellQuote } from '../exec/command.js';
import { daemonStart, daemonStop } from '../ops/process.js';
import type { Op } from '../ops/op.js';
import { sharedMode, type EndpointSettings, type Network, type NetworkCreateOptions } from './cnm.js';
import type { Engine } from './engine.js';
import type { PortBinding } from './firewall/firewaller.js';
import { commandPorts, imageCommand, servicePorts, type ServicePort } from './images.js';
import { allocatePorts, bindingOrder, PortTakenError, type PortRequest } from './port-spec.js';
import { AddressInUseError } from '../model/ipam.js';

// The docker commands nslab's sandbox engine takes, as data: parsed from the command line,
// kept in the engine's record in the order they were given, and replayed onto a fresh
// Engine to rebuild its networks and sandboxes in another process.

export type DockerCommand =
  | (NetworkCreateOptions & {
      readonly kind: 'network-create';
      readonly name: string;
      /** The compose project that created it (compose down removes it). */
      readonly project?: string | undefined;
      /** When it was asked for (ISO time): inspect's Created. */
      readonly created?: string | undefined;
    })
  | { readonly kind: 'network-rm'; readonly name: string }
  | { readonly kind: 'network-connect'; readonly network: string; readonly container: string; readonly ip?: string | undefined; readonly aliases?: readonly string[] | undefined; readonly gwPriority?: number | undefined }
  | { readonly kind: 'network-disconnect'; readonly network: string; readonly container: string }
  | (EndpointSettings & {
      readonly kind: 'run';
      readonly name: string;
      readonly image: string;
      /** -p as asked: a host port left out is picked when the command applies (from 32768). */
      readonly publish?: readonly PortRequest[] | undefined;
      readonly expose?: readonly ServicePort[] | undefined;
      /** The compose project and service it runs for. */
      readonly project?: string | undefined;
      readonly service?: string | undefined;
      /** IMAGE [COMMAND] [ARG...]: what the container runs (its stand-in answers for it). */
      readonly command?: readonly string[] | undefined;
      readonly created?: string | undefined;
      /** -t and -i: a shell with a terminal or its stdin open keeps running; without, it exits. */
      readonly tty?: boolean | undefined;
      readonly interactive?: boolean | undefined;
    })
  | { readonly kind: 'rm'; readonly name: string }
  | { readonly kind: 'network-prune' };

/** A container as `docker ps` shows it: what it was started from and with. */
export interface ContainerRecord {
  readonly name: string;
  readonly image: string;
  readonly project?: string | undefined;
  readonly service?: string | undefined;
  /** Each -p with its host port, as bound. */
  readonly publish: readonly PortBinding[];
  /** What the stand-in listens on. */
  readonly ports: readonly ServicePort[];
  /** Config.ExposedPorts: the image's EXPOSE, --expose, and each -p's container port ("80/tcp"). */
  readonly exposed: readonly string[];
  /** The command it runs: given after the image, or the image's own. */
  readonly command: readonly string[];
  readonly created?: string | undefined;
  /**
   * running: it has its sandbox. exited: its command ended at once (a shell with no terminal
   * and no stdin). created: it could not start (a port or address someone holds), and
   * `error` says why, in the daemon's words. Neither of the last two has a sandbox: only the
   * networks it is configured on.
   */
  readonly state: 'running' | 'exited' | 'created';
  readonly networks: readonly string[];
  readonly error?: string | undefined;
  /** What run asked for, for one that never got it (inspect's PortBindings and IPAMConfig). */
  /** The bindings as Docker holds them once started (docker ps, inspect's Ports): one per family where a family is routed. */
  readonly bound?: readonly PortBinding[] | undefined;
  readonly asked?: { readonly publish: readonly PortRequest[]; readonly ip?: string | undefined; readonly aliases?: readonly string[] | undefined } | undefined;
}

/** The docker command line a command stands for, as a learner would type it. */
export function dockerLine(c: DockerCommand): string {
  const q = (w: string) => shellQuote(w);
  switch (c.kind) {
    case 'network-create':
      return [
        'docker network create',
        ...(c.driver && c.driver !== 'bridge' ? [`-d ${c.driver}`] : []),
        ...(c.ipv6 ? ['--ipv6'] : []),
        ...(c.subnet ? [`--subnet ${q(c.subnet)}`] : []),
        ...(c.subnet6 ? [`--subnet ${q(c.subnet6)}`] : []),
        ...(c.gateway ? [`--gateway ${q(c.gateway)}`] : []),
        ...(c.gateway6 ? [`--gateway ${q(c.gateway6)}`] : []),
        ...(c.ipRange ? [`--ip-range ${q(c.ipRange)}`] : []),
        ...Object.entries(c.auxAddresses ?? {}).map(([k, v]) => `--aux-address ${q(`${k}=${v}`)}`),
        ...(c.parent ? [`-o parent=${q(c.parent)}`] : []),
        ...(c.macvlanMode ? [`-o macvlan_mode=${q(c.macvlanMode)}`] : []),
        ...(c.internal ? ['--internal'] : []),
        ...(c.bridgeName ? [`-o com.docker.network.bridge.name=${q(c.bridgeName)}`] : []),
        ...(c.icc === false ? ['-o com.docker.network.bridge.enable_icc=false'] : []),
        ...(c.gatewayMode ? [`-o com.docker.network.bridge.gateway_mode_ipv4=${q(c.gatewayMode)}`] : []),
        ...(c.gatewayMode6 ? [`-o com.docker.network.bridge.gateway_mode_ipv6=${q(c.gatewayMode6)}`] : []),
        ...(c.mtu !== undefined ? [`-o com.docker.network.driver.mtu=${c.mtu}`] : []),
        ...(c.attachable ? ['--attachable'] : []),
        q(c.name),
      ].join(' ');
    case 'network-rm':
      return `docker network rm ${q(c.name)}`;
    case 'network-connect':
      return ['docker network connect', ...(c.ip ? [`--ip ${q(c.ip)}`] : []), ...(c.aliases ?? []).map((a) => `--alias ${q(a)}`), ...(c.gwPriority ? [`--gw-priority ${c.gwPriority}`] : []), q(c.network), q(c.container)].join(' ');
    case 'network-disconnect':
      return `docker network disconnect ${q(c.network)} ${q(c.container)}`;
    case 'run':
      // In the order the articles write it: where it runs, its settings, then its name and image.
      return [
        `docker run -d${c.interactive ? 'i' : ''}${c.tty ? 't' : ''}`,
        ...(c.network ? [`--network ${q(c.network)}`] : []),
        ...(c.ip ? [`--ip ${q(c.ip)}`] : []),
        ...(c.ip6 ? [`--ip6 ${q(c.ip6)}`] : []),
        ...(c.aliases ?? []).map((a) => `--network-alias ${q(a)}`),
        ...(c.hostname ? [`--hostname ${q(c.hostname)}`] : []),
        ...(c.gwPriority ? [`--gw-priority ${c.gwPriority}`] : []),
        ...(c.addHosts ?? []).map((h) => `--add-host ${q(`${h.name}:${h.address}`)}`),
        ...(c.publish ?? []).map((p) => `-p ${requestSpec(p)}`),
        ...(c.expose ?? []).map((p) => `--expose ${p.port}${p.protocol === 'udp' ? '/udp' : ''}`),
        `--name ${q(c.name)}`,
        q(c.image),
        ...(c.command ?? []).map(q),
      ].join(' ');
    case 'rm':
      return `docker rm -f ${q(c.name)}`;
    case 'network-prune':
      return 'docker network prune -f';
  }
}

/** What applying a command to the engine does: its ops, and the containers that exist after it. */
export function applyCommand(engine: Engine, c: DockerCommand, containers: Map<string, ContainerRecord>): Op[] {
  switch (c.kind) {
    case 'network-create':
      return engine.networkCreate(c.name, c).ops;
    case 'network-rm':
      return engine.networkRm(c.name);
    case 'network-prune':
      return unusedNetworks(engine).flatMap((name) => engine.networkRm(name));
    case 'network-connect': {
      // A container that is not running is connected in its config only (docker start would join it).
      const r = containers.get(c.container);
      if (r && r.state !== 'running') return configure(containers, r, [...r.networks.filter((n) => n !== c.network), engine.network(c.network).name]);
      return engine.connect(c.network, c.container, c).ops;
    }
    case 'network-disconnect': {
      const r = containers.get(c.container);
      if (r && r.state !== 'running') {
        if (!r.networks.includes(c.network)) throw new NslabError(`container ${c.container} is not connected to network ${c.network}`, { hint: 'docker inspect shows its networks' });
        return configure(containers, r, r.networks.filter((n) => n !== c.network));
      }
      return engine.disconnect(c.network, c.container);
    }
    case 'run':
      return run(engine, c, containers);
    case 'rm': {
      const r = containers.get(c.name);
      if (r && r.state !== 'running') {
        containers.delete(c.name);
        return [];
      }
      // The stand-in first: a namespace outlives `ip netns del` while a process is in it, and a
      // host or container: one's namespace is not the container's to delete.
      const standin = r?.ports.length ? [daemonStop(pidDir(engine), serviceName(c.name))] : [];
      const ops = engine.rm(c.name);
      containers.delete(c.name);
      return [...standin, ...ops];
    }
  }
}

/** What `docker network prune` removes: every user-defined network no container is attached to (daemon/prune.go localNetworkPrune). */
export function unusedNetworks(engine: Engine): string[] {
  const used = new Set([...engine.sandboxes.values()].flatMap((s) => s.endpoints.map((e) => e.network)));
  return [...engine.networks.values()].filter((n) => !n.isDefault && !used.has(n.name)).map((n) => n.name);
}

function configure(containers: Map<string, ContainerRecord>, r: ContainerRecord, networks: readonly string[]): Op[] {
  containers.set(r.name, { ...r, networks });
  return [];
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);

/**
 * Does the container's command end as soon as it starts? A shell with nothing to run reads
 * its stdin, which `docker run -d` closes unless -i keeps it open or -t gives it a terminal:
 * `docker run -d busybox` exits at once, with 0.
 */
export function exitsAtOnce(command: readonly string[], c: { readonly tty?: boolean | undefined; readonly interactive?: boolean | undefined }): boolean {
  const [file = '', ...args] = command;
  return SHELLS.has(file.split('/').at(-1)!) && args.every((a) => a.startsWith('-') && a !== '-c') && !c.tty && !c.interactive;
}

/**
 * docker run: create, then start. What the daemon refuses at create is refused (the
 * container does not exist); what fails at start (a host port or a fixed address someone
 * holds) leaves the container created, and the run fails with the daemon's words.
 */
function run(engine: Engine, c: Extract<DockerCommand, { kind: 'run' }>, containers: Map<string, ContainerRecord>): Op[] {
  const held = containers.get(c.name);
  if (held) throw new NslabError(`Conflict. The container name "/${c.name}" is already in use by container "${engine.containerId(c.name)}". You have to remove (or rename) that container to be able to reuse that name.`, { hint: `docker rm -f ${c.name} first, or pick another --name` });
  const mode = sharedMode(c.network);
  if (!mode) engine.network(c.network ?? 'bridge');
  const command = c.command?.length ? c.command : imageCommand(c.image);
  const exposed = servicePorts(c.image, [...(c.expose ?? []), ...(c.publish ?? []).map((p) => ({ port: p.containerPort, protocol: p.protocol }))]).map((p) => `${p.port}/${p.protocol}`);
  const record = { name: c.name, image: c.image, exposed, project: c.project, service: c.service, command, created: c.created, networks: [mode ? (c.network ?? '') : engine.network(c.network ?? 'bridge').name] };
  const stopped = (state: 'exited' | 'created', error?: string): Op[] => {
    containers.set(c.name, { ...record, publish: [], ports: [], state, asked: { publish: c.publish ?? [], ip: c.ip, aliases: c.aliases?.length ? c.aliases : undefined }, ...(error ? { error } : {}) });
    return [];
  };
  if (exitsAtOnce(command, c)) return stopped('exited');
  const classic = engine.spec.profile.docker === '27';
  const taken = [...containers.values()].flatMap((r) => r.publish);
  let publish: PortBinding[];
  try {
    publish = mode?.kind === 'host' ? [] : allocatePorts(bindingOrder(engine.spec.profile.docker, c.publish ?? []), taken);
  } catch (err) {
    if (!(err instanceof PortTakenError)) throw err;
    const endpoint = engine.endpointId(c.name, record.networks[0]!);
    return stopped('created', `${classic ? '' : 'failed to set up container networking: '}driver failed programming external connectivity on endpoint ${c.name} (${endpoint}): ${err.message}${classic ? '.' : ''}`);
  }
  // host-gateway is the Engine's to resolve (etc-files.ts extraHosts).
  let ops: Op[];
  try {
    ops = mode ? engine.runShared(c.name, mode, { ...c, publish }).ops : engine.run(c.name, { ...c, publish }).ops;
  } catch (err) {
    if (!(err instanceof AddressInUseError)) throw err;
    return stopped('created', classic ? 'Address already in use.' : 'failed to set up container networking: Address already in use');
  }
  const sandbox = engine.sandboxes.get(c.name)!;
  const ns = sandbox.ns;
  const dual = sandbox.endpoints.some((e) => e.address6) ? ['--ipv6'] : [];
  const ports = servicePorts(c.image, [...(c.expose ?? []), ...commandPorts(command), ...publish.map((p) => ({ port: p.containerPort, protocol: p.protocol }))]);
  containers.set(c.name, { ...record, publish, ...(mode ? {} : { bound: bound(engine.network(record.networks[0]!), publish) }), ports, state: 'running' });
  // The stand-in for the image's service: it answers on each of its ports with the container's name.
  const service = ports.length ? [daemonStart(ns, pidDir(engine), serviceName(c.name), ['standin', ...dual, c.name, ...ports.map((p) => `${p.port}/${p.protocol}`)])] : [];
  return [...ops, ...service];
}

/**
 * The bindings as Docker keeps them: a port on every address is one binding per family, and
 * the family a network routes (gateway_mode_ipv4/ipv6=routed) binds no host port (HostPort 0:
 * inspect shows "", docker ps [::]:0).
 */
function bound(network: Network, publish: readonly PortBinding[]): PortBinding[] {
  const routed = { v4: network.firewall.gatewayMode === 'routed', v6: network.firewall6?.gatewayMode === 'routed' };
  if (!routed.v4 && !routed.v6) return [...publish];
  return publish.flatMap((p) => {
    if (p.hostIp !== undefined) return [(p.hostIp.includes(':') ? routed.v6 : routed.v4) ? { ...p, hostPort: 0 } : p];
    return [
      { ...p, hostIp: '0.0.0.0', ...(routed.v4 ? { hostPort: 0 } : {}) },
      { ...p, hostIp: '::', ...(routed.v6 ? { hostPort: 0 } : {}) },
    ];
  });
}

const pidDir = (engine: Engine) => join(engine.spec.stateDir, 'pids');
const serviceName = (container: string) => `service-${container}`;

/** What Docker says, and goes on, when a run asks for something its network mode ignores. */
export function runWarnings(c: DockerCommand): string[] {
  if (c.kind !== 'run' || sharedMode(c.network)?.kind !== 'host' || !c.publish?.length) return [];
  return ['WARNING: Published ports are discarded when using host network mode'];
}

/** A -p as written: its host port may be left to Docker, or be a range. */
function requestSpec(p: PortRequest): string {
  const host = p.hostPort === undefined ? '' : typeof p.hostPort === 'number' ? String(p.hostPort) : `${p.hostPort.from}-${p.hostPort.to}`;
  const ip = p.hostIp ? `${p.hostIp}:` : '';
  return `${ip}${host || ip ? `${host}:` : ''}${p.containerPort}${p.protocol === 'udp' ? '/udp' : ''}`;
}
