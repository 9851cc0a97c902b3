import { NslabError } from '../errors.js';
import type { DockerCommand } from '../docker/commands.js';
import { shellWords } from '../model/shell-words.js';
import type { Engine } from '../docker/engine.js';
import type { NetworkCreateOptions } from '../docker/cnm.js';
import { parsePortSpec, type PortRequest } from '../docker/port-spec.js';
import { parseServicePort, type ServicePort } from '../docker/images.js';
import { parseAddHost, parseDriver, parseDriverOptions, validateContainerName } from '../docker/parse.js';
import type { ComposeFile } from './load.js';

// A compose project in Docker's terms: which networks Compose creates (named
// <project>_<key> unless `name:` or `external:` say otherwise), which containers
// (<project>-<service>-1 unless container_name:), in depends_on order, and how each joins
// its networks. It turns into the docker commands Compose would send the engine.

/** A network of the file: what `docker network create` is given for it, under its Compose name. */
export interface ComposeNetwork extends NetworkCreateOptions {
  readonly key: string;
  readonly name: string;
  readonly external: boolean;
}

export interface ServiceAttachment {
  readonly network: string;
  readonly aliases: readonly string[];
  readonly ip?: string | undefined;
}

export interface ComposeService {
  readonly service: string;
  readonly container: string;
  readonly image: string;
  readonly attachments: readonly ServiceAttachment[];
  /** network_mode as `docker run --network` takes it: host, none, container:<name>, bridge. */
  readonly networkMode?: string | undefined;
  /** ports:, as asked: a host port left out is Docker's to pick when the service starts. */
  readonly publish: readonly PortRequest[];
  readonly expose: readonly ServicePort[];
  readonly extraHosts: readonly { name: string; address: string }[];
  /** command:, as argv (a string is split as compose splits it); absent: the image's CMD. */
  readonly command?: readonly string[] | undefined;
  /** tty: and stdin_open: keep a shell running, as -t and -i do. */
  readonly tty: boolean;
  readonly interactive: boolean;
}

export interface ComposeProject {
  readonly name: string;
  readonly networks: readonly ComposeNetwork[];
  /** In start order: every service after those it depends on. */
  readonly services: readonly ComposeService[];
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);

export function composeProject(file: ComposeFile): ComposeProject {
  const p = file.project;
  const services = obj(file.raw.services);
  const declared = obj(file.raw.networks);
  const usesDefault = Object.values(services).some((s) => obj(s).networks === undefined && obj(s).network_mode === undefined);
  const keys = [...(usesDefault && !('default' in declared) ? ['default'] : []), ...Object.keys(declared)];
  const networks = keys.map((key) => composeNetwork(p, key, obj(declared[key])));
  const byKey = new Map(networks.map((n) => [n.key, n]));
  const order = startOrder(services);
  return {
    name: p,
    networks,
    services: order.map((name) => composeService(p, name, obj(services[name]), byKey, services)),
  };
}

function composeNetwork(project: string, key: string, n: Raw): ComposeNetwork {
  const driver = parseDriver(n.driver === undefined ? undefined : String(n.driver), `network ${key}`);
  const external = n.external === true || (typeof n.external === 'object' && n.external !== null);
  const config = Array.isArray(obj(n.ipam).config) ? (obj(n.ipam).config as unknown[]).map(obj) : [];
  const opts = parseDriverOptions(Object.entries(obj(n.driver_opts)).map(([k, v]) => `${k}=${String(v)}`), driver);
  return {
    key,
    name: typeof n.name === 'string' ? n.name : external ? key : `${project}_${key}`,
    external,
    subnet: config[0]?.subnet as string | undefined,
    gateway: config[0]?.gateway as string | undefined,
    ipRange: config[0]?.ip_range as string | undefined,
    ...(driver === 'macvlan' ? { driver } : {}),
    internal: n.internal === true ? true : undefined,
    ...opts,
  };
}

/** depends_on order (list or map form); services with no order between them keep the file's. */
function startOrder(services: Raw): string[] {
  const names = Object.keys(services);
  // network_mode: service:X starts after X, as a depends_on would (Compose adds it).
  const modeDep = (s: Raw) => (typeof s.network_mode === 'string' && s.network_mode.startsWith('service:') ? [s.network_mode.slice('service:'.length)] : []);
  const deps = new Map(names.map((n) => [n, [...new Set([...Object.keys(dependsOn(obj(services[n]).depends_on)), ...modeDep(obj(services[n]))])]]));
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string, path: string[]) => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') throw new NslabError(`services depend on each other in a circle: ${[...path, n].join(' -> ')}`, { hint: 'remove one of those depends_on' });
    if (!deps.has(n)) throw new NslabError(`service ${path.at(-1)} depends on undefined service ${n}`, { hint: `the services: ${names.join(', ')}` });
    state.set(n, 'visiting');
    for (const d of deps.get(n)!) visit(d, [...path, n]);
    state.set(n, 'done');
    out.push(n);
  };
  for (const n of names) visit(n, []);
  return out;
}

function dependsOn(v: unknown): Raw {
  return Array.isArray(v) ? Object.fromEntries(v.map((d) => [String(d), {}])) : obj(v);
}

const containerName = (project: string, name: string, s: Raw): string => validateContainerName(typeof s.container_name === 'string' ? s.container_name : `${project}-${name}-1`);

/** network_mode as a --network value; service:X names X's container. */
function networkMode(project: string, name: string, s: Raw, services: Raw): string | undefined {
  if (s.network_mode === undefined) return undefined;
  const mode = String(s.network_mode);
  if (s.networks !== undefined) throw new NslabError(`service ${name} declares mutually exclusive \`network_mode\` and \`networks\``, { hint: 'keep one of them' });
  if (mode === 'host' || mode === 'none' || mode === 'bridge' || mode.startsWith('container:')) return mode;
  if (mode.startsWith('service:')) {
    const other = mode.slice('service:'.length);
    return `container:${containerName(project, other, obj(services[other]))}`;
  }
  throw new NslabError(`service ${name}: network_mode: ${mode} is not one the sandbox builds`, { hint: 'use host, none, bridge, service:<name> or container:<name>' });
}

function composeService(project: string, name: string, s: Raw, networks: ReadonlyMap<string, ComposeNetwork>, services: Raw): ComposeService {
  const container = containerName(project, name, s);
  const mode = networkMode(project, name, s, services);
  const raw = mode !== undefined ? {} : s.networks === undefined ? { default: {} } : Array.isArray(s.networks) ? Object.fromEntries(s.networks.map((n) => [String(n), {}])) : obj(s.networks);
  const attachments = Object.entries(raw)
    .map(([key, v]) => {
      const net = networks.get(key);
      if (!net) throw new NslabError(`service ${name} refers to undefined network ${key}`, { hint: `declare it under the top-level networks:, or use one of: ${[...networks.keys()].join(', ')}` });
      const o = obj(v);
      return { key, priority: Number(o.priority ?? 0), attachment: { network: net.name, aliases: [name, ...strings(o.aliases)], ip: o.ipv4_address as string | undefined } };
    })
    // Compose puts the container on its highest-priority network first, then by name.
    .sort((a, b) => b.priority - a.priority || a.key.localeCompare(b.key))
    .map((a) => a.attachment);
  const publish = (Array.isArray(s.ports) ? s.ports : []).flatMap((p) => parsePorts(name, p));
  return {
    service: name,
    container,
    // A service that is only built runs as an image named after it: what it listens on comes from ports and expose.
    image: typeof s.image === 'string' ? s.image : name,
    attachments,
    networkMode: mode,
    publish,
    expose: strings(s.expose).map(parseServicePort),
    command: typeof s.command === 'string' ? shellWords(s.command) : Array.isArray(s.command) ? s.command.map(String) : undefined,
    tty: s.tty === true,
    interactive: s.stdin_open === true,
    extraHosts: (Array.isArray(s.extra_hosts) ? s.extra_hosts.map(String) : Object.entries(obj(s.extra_hosts)).map(([k, v]) => `${k}:${String(v)}`)).map((h) => parseAddHost(h.replace('=', ':'))),
  };
}

/** ports:, short syntax ([ip:][host[-host]:]ctr[-ctr][/proto], docker run -p's grammar) or long; a host port left out is Docker's to pick. */
function parsePorts(service: string, p: unknown): PortRequest[] {
  if (typeof p === 'object' && p !== null) {
    const o = p as Raw;
    const spec = `${o.host_ip ? `${String(o.host_ip)}:` : ''}${o.published ? `${String(o.published)}:` : o.host_ip ? ':' : ''}${String(o.target)}${o.protocol ? `/${String(o.protocol)}` : ''}`;
    return parsePorts(service, spec);
  }
  try {
    return parsePortSpec(String(p));
  } catch (err) {
    throw new NslabError(`service ${service}: ${(err as NslabError).message}`, { hint: 'write it as [ip:][host:]container[/tcp|udp], a range as 8080-8081:80-81' });
  }
}

/**
 * What `compose up` asks of the engine: the project's networks (an external one must exist
 * already; one that exists from an earlier `up` is kept), then each service's container on
 * its first network, connected to the others.
 */
export function upCommands(project: ComposeProject, engine: Engine): DockerCommand[] {
  const out: DockerCommand[] = [];
  for (const n of project.networks) {
    if (n.external) {
      if (!engine.networks.has(n.name)) throw new NslabError(`network ${n.name} declared as external, but could not be found`, { hint: `create it first: nslab docker network create ${n.name}` });
      continue;
    }
    if (engine.networks.has(n.name)) continue;
    const { key: _key, external: _external, ...create } = n;
    out.push({ kind: 'network-create', ...create, project: project.name });
  }
  for (const s of project.services) {
    if (engine.sandboxes.has(s.container)) continue;
    const [first, ...rest] = s.attachments;
    out.push({
      kind: 'run',
      name: s.container,
      image: s.image,
      network: s.networkMode ?? first?.network,
      ip: first?.ip,
      aliases: first?.aliases,
      publish: s.publish,
      expose: s.expose,
      addHosts: s.extraHosts,
      ...(s.command?.length ? { command: s.command } : {}),
      ...(s.tty ? { tty: true } : {}),
      ...(s.interactive ? { interactive: true } : {}),
      project: project.name,
      service: s.service,
    });
    for (const a of rest) out.push({ kind: 'network-connect', network: a.network, container: s.container, ip: a.ip, aliases: a.aliases });
  }
  return out;
}

/** What `compose down` asks: the project's containers, then the networks it created. */
export function downCommands(project: string, engine: Engine, created: readonly DockerCommand[]): DockerCommand[] {
  // A project brought up again after a down has its commands twice: each name goes once, by its latest creation.
  const latest = <T extends { name: string }>(xs: T[]): T[] => [...new Map(xs.map((x) => [x.name, x])).values()];
  const containers = latest(created.filter((c): c is Extract<DockerCommand, { kind: 'run' }> => c.kind === 'run' && c.project === project && engine.sandboxes.has(c.name)));
  const networks = latest(created.filter((c): c is Extract<DockerCommand, { kind: 'network-create' }> => c.kind === 'network-create' && c.project === project && engine.networks.has(c.name)));
  return [...containers.reverse().map((c) => ({ kind: 'rm', name: c.name }) as const), ...networks.reverse().map((n) => ({ kind: 'network-rm', name: n.name }) as const)];
}
