import { engineId } from '../model/ipam6.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentSandbox, dockerReset } from '../sandbox/session.js';
import type { DockerVersion } from '../docker/profile.js';
import type { Runner } from '../exec/runner.js';
import { nsName } from '../model/names.js';
import { shellWords as words } from '../model/shell-words.js';
import { dockerProgram } from '../dockercli/program.js';
import type { Io } from '../program/context.js';
import { attachContainers, containerFile, ensureImage, imageOfRun, realDocker, startRealEngine } from './client.js';
import { realEngineFor } from './engines.js';
import { containerViews, differences, dnsAnswers, hostLinks, hostRules, Normalizer, proxies, type Difference, type DockerHostSide, type View } from './views.js';

// A docker story (a list of docker command lines) told twice: to nslab's sandbox engine as
// Docker version P, and to the real dockerd that judges P; then every aspect the judge looks at
// is read from both and held line by line.

export interface Printed {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface StoryResult {
  readonly lines: readonly { readonly line: string; readonly nslab: Printed; readonly real: Printed }[];
  readonly differences: readonly Difference[];
  /** The aspects compared, so "nothing differs" says what was held. */
  readonly compared: readonly string[];
}

export interface StoryOptions {
  readonly profile: DockerVersion;
  /** nslab's sandbox engine for the story (NSLAB_DOCKER_NAME). */
  readonly nslab: string;
  /** The real engine's instance name. */
  readonly real: string;
  readonly say?: (line: string) => void;
  /** Names each container's embedded DNS is asked (besides every container's own name). */
  readonly askDns?: readonly string[];
}

/** One line told to nslab's docker, in-process, its output caught. */
async function nslabDocker(runnerFor: (dryRun: boolean, verbose: boolean) => Runner, profile: DockerVersion, argv: readonly string[]): Promise<Printed> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t) };
  const code = await dockerProgram(['--docker', profile, '--quiet', ...argv], io, runnerFor, { json: false, dryRun: false, verbose: false });
  return { code, stdout, stderr };
}

/** nslab's sandbox as the judge reads a docker host. */
function nslabSide(name: string): DockerHostSide {
  const model = currentSandbox();
  const containers = new Map([...model.containers.keys()].map((name) => [name, model.engine.containerId(name)]));
  const networks = new Map([...model.engine.networks.values()].map((n) => [n.name, { id: n.id, bridge: n.bridge, driver: n.driver }]));
  const namespaceOf = new Map([...model.engine.sandboxes.values()].map((s) => [s.container, s.ns]));
  const sharing = new Set([...model.engine.sandboxes.values()].filter((s) => s.mode === 'host' || s.mode === 'container').map((s) => s.container));
  return {
    lab: name,
    containers,
    networks,
    namespaceOf,
    sharing,
    file: (container, which) => {
      const ns = model.engine.sandboxes.get(container)?.ns;
      const path = ns && join('/etc/netns', ns, which);
      return path && existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    },
  };
}

/** The real engine as the judge reads a docker host. */
export async function realSide(runner: Runner, name: string): Promise<DockerHostSide> {
  const stopped = new Set<string>();
  const containers = await attachContainers(runner, name, stopped);
  const ls = await realDocker(runner, name, ['network', 'ls', '--no-trunc', '--format', '{{.ID}} {{.Name}} {{.Driver}}']);
  const networks = new Map<string, { id: string; bridge: string; driver: string }>();
  for (const [id, net, driver] of ls.stdout.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string, string])) {
    if (net === 'host' || net === 'none') continue;
    const br = await realDocker(runner, name, ['network', 'inspect', '-f', '{{index .Options "com.docker.network.bridge.name"}}', net]);
    const named = br.stdout.trim();
    networks.set(net, { id, bridge: named && named !== '<no value>' ? named : net === 'bridge' ? 'docker0' : `br-${id.slice(0, 12)}`, driver });
  }
  const namespaceOf = new Map<string, string>();
  const sharing = new Set<string>();
  for (const container of [...containers.keys()].filter((c) => !stopped.has(c))) {
    const mode = (await realDocker(runner, name, ['inspect', '-f', '{{.HostConfig.NetworkMode}}', container])).stdout.trim();
    const joined = mode.startsWith('container:') ? [...containers].find(([, id]) => id === mode.slice('container:'.length))?.[0] : undefined;
    namespaceOf.set(container, mode === 'host' ? nsName(name, 'host') : nsName(name, joined ?? container));
    if (mode === 'host' || joined) sharing.add(container);
  }
  return { lab: name, containers, networks, namespaceOf, sharing, file: (container, which) => containerFile(name, containers.get(container) ?? '', which) };
}

/** docker inspect of every container and network, as the lines of the fields that concern the network. */
async function inspectViews(side: DockerHostSide, n: Normalizer, inspect: (args: string[]) => Promise<Printed>): Promise<View[]> {
  const views: View[] = [];
  for (const container of side.containers.keys()) {
    const r = await inspect(['inspect', container]);
    const [c] = JSON.parse(r.stdout || '[{}]') as Record<string, any>[];
    const lines: string[] = [`Name = ${c?.Name}`, `HostConfig.NetworkMode = ${n.text(String(c?.HostConfig?.NetworkMode))}`, `HostConfig.PortBindings = ${JSON.stringify(c?.HostConfig?.PortBindings ?? null)}`, `NetworkSettings.Ports = ${JSON.stringify(c?.NetworkSettings?.Ports ?? null)}`];
    for (const [net, e] of Object.entries((c?.NetworkSettings?.Networks ?? {}) as Record<string, Record<string, unknown>>)) {
      lines.push(`Networks.${net} fields = ${Object.keys(e).join(',')}`);
      for (const k of ['IPAMConfig', 'Links', 'Aliases', 'DriverOpts', 'GwPriority', 'Gateway', 'IPAddress', 'IPPrefixLen', 'IPv6Gateway', 'GlobalIPv6Address', 'GlobalIPv6PrefixLen', 'DNSNames']) {
        if (k in e) lines.push(`Networks.${net}.${k} = ${n.text(JSON.stringify(e[k]))}`);
      }
      if ('MacAddress' in e) lines.push(`Networks.${net}.MacAddress: ${e.MacAddress === '' ? 'empty' : n.mac(String(e.MacAddress), String(e.IPAddress ?? ''))}`);
    }
    views.push({ aspect: `${container}: docker inspect`, lines });
  }
  for (const net of side.networks.keys()) {
    const r = await inspect(['network', 'inspect', net]);
    const [o] = JSON.parse(r.stdout || '[{}]') as Record<string, any>[];
    const lines = [`fields = ${Object.keys(o ?? {}).join(',')}`];
    for (const k of ['Name', 'Scope', 'Driver', 'EnableIPv4', 'EnableIPv6', 'IPAM', 'Internal', 'Attachable', 'Ingress', 'ConfigFrom', 'ConfigOnly', 'Options', 'Labels']) if (o && k in o) lines.push(`${k} = ${n.text(JSON.stringify(o[k]))}`);
    for (const c of Object.values((o?.Containers ?? {}) as Record<string, { Name: string; IPv4Address: string; IPv6Address: string; MacAddress: string }>).sort((a, b) => a.Name.localeCompare(b.Name))) {
      lines.push(`Containers.${c.Name} = ${c.IPv4Address} ${c.IPv6Address || '-'} ${n.mac(c.MacAddress, c.IPv4Address)}`);
    }
    views.push({ aspect: `network ${net}: docker network inspect`, lines });
  }
  const ps = await inspect(['ps', '-a', '--format', '{{.Names}} {{.Image}} {{.State}} {{.Command}} {{.Ports}} {{.Networks}}']);
  // The NETWORKS cell comes from a Go map: its order is the map's, random.
  const sortedNetworks = (l: string) => l.replace(/(\S+)$/, (cell) => cell.split(',').sort().join(','));
  views.push({ aspect: 'docker ps -a (names, images, states, commands, ports, networks)', lines: ps.stdout.split('\n').filter(Boolean).map((l) => sortedNetworks(n.text(l))).sort() });
  const ls = await inspect(['network', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}}']);
  views.push({ aspect: 'docker network ls', lines: ls.stdout.split('\n').filter(Boolean) });
  return views;
}

/** What a printed result is, where IDs and timing do not count; nslab's hint lines are its own. */
function printedLines(p: Printed, n: Normalizer): string[] {
  // An ID of something gone by the end (a removed network or container) has no name to map to.
  // Docker 28 binds a port's IPv4 and IPv6 addresses side by side: which one it says it could
  // not bind varies from run to run.
  const gone = (t: string) =>
    n
      .text(t)
      .replace(/\b[0-9a-f]{64}\b/g, '<an ID>')
      .replace(/Bind for (?:0\.0\.0\.0|::):/g, 'Bind for <0.0.0.0 or ::>:');
  return [`exit ${p.code}`, ...gone(p.stdout).split('\n').filter(Boolean).map((l) => `out: ${l}`), ...gone(p.stderr).split('\n').filter((l) => l && !l.startsWith('hint: ')).map((l) => `err: ${l}`)];
}

/**
 * Tells `lines` (docker command lines) to both engines, from fresh ones, and holds every
 * aspect: each line's exit code and words, the host's rules, bridges and veth ends,
 * docker-proxy, each container's links, routes, hosts and resolv.conf, its embedded DNS, and
 * docker inspect, network inspect, ps and network ls.
 */
export async function tellStory(runner: Runner, runnerFor: (dryRun: boolean, verbose: boolean) => Runner, lines: readonly string[], o: StoryOptions): Promise<StoryResult> {
  const engine = realEngineFor(o.profile);
  process.env.NSLAB_DOCKER_NAME = o.nslab;
  await dockerReset(runner);
  // nslab's engine ID (its sandbox's), so --ipv6 networks get the same ULA /64s on both.
  await startRealEngine(runner, engine, o.real, o.say ?? (() => {}), undefined, { engineId: engineId(o.nslab) });
  const told: { line: string; nslab: Printed; real: Printed }[] = [];
  for (const line of lines) {
    const [docker, ...argv] = words(line);
    if (docker !== 'docker') throw new Error(`not a docker line: ${line}`);
    const nslab = await nslabDocker(runnerFor, o.profile, argv);
    const image = imageOfRun(argv);
    if (image) await ensureImage(runner, o.real, image);
    const real = await realDocker(runner, o.real, argv);
    told.push({ line, nslab, real: { code: real.exitCode, stdout: real.stdout, stderr: real.stderr } });
  }
  const held = await holdEngines(runner, runnerFor, o, told);
  return { lines: told, ...held };
}

/**
 * Holds nslab's sandbox engine (o.nslab) against the real one (o.real) as they stand: every
 * aspect the judge looks at, and the lines of `told` (commands both were given) as printed.
 */
export async function holdEngines(
  runner: Runner,
  runnerFor: (dryRun: boolean, verbose: boolean) => Runner,
  o: Pick<StoryOptions, 'profile' | 'nslab' | 'real' | 'askDns'>,
  told: readonly { readonly line: string; readonly nslab: Printed; readonly real: Printed }[] = [],
): Promise<Pick<StoryResult, 'differences' | 'compared'>> {
  process.env.NSLAB_DOCKER_NAME = o.nslab;
  const sides = { nslab: nslabSide(o.nslab), real: await realSide(runner, o.real) };
  const cli = {
    nslab: (args: string[]) => nslabDocker(runnerFor, o.profile, args),
    real: async (args: string[]) => {
      const r = await realDocker(runner, o.real, args);
      return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    },
  };
  return holdSides(runner, sides, o, { cli, told });
}

/**
 * Every aspect the judge looks at, on two docker hosts: the host's rules, bridges, veth ends
 * and docker-proxy; each container's links, routes, files and embedded-DNS answers; and, where
 * both sides have a docker CLI, inspect, network inspect, ps and network ls, and what each
 * told line printed.
 */
export async function holdSides(
  runner: Runner,
  sides: Record<'nslab' | 'real', DockerHostSide>,
  o: Pick<StoryOptions, 'profile' | 'askDns'>,
  more: { readonly cli?: Record<'nslab' | 'real', (args: string[]) => Promise<Printed>>; readonly told?: readonly { readonly line: string; readonly nslab: Printed; readonly real: Printed }[] } = {},
): Promise<Pick<StoryResult, 'differences' | 'compared'>> {
  const macRule = o.profile === '27' ? 'from-ip' : 'random';
  const norm = { nslab: new Normalizer(sides.nslab, macRule), real: new Normalizer(sides.real, macRule) };
  const views: Record<'nslab' | 'real', View[]> = { nslab: [], real: [] };
  // ip6tables is judged where nslab's host has IPv6 networks: dockerd writes its ip6tables
  // chains when it starts, nslab with the first IPv6 network (firewall/ip6-firewall.ts).
  const ip6 = (await hostRules(runner, sides.nslab, norm.nslab, 'ip6tables')).some((v) => v.lines.some((l) => l.startsWith('-A ')));
  for (const k of ['nslab', 'real'] as const) {
    const s = sides[k];
    const n = norm[k];
    views[k].push(...(await hostRules(runner, s, n)), ...(ip6 ? await hostRules(runner, s, n, 'ip6tables') : []), await hostLinks(runner, s, n), await proxies(runner, s));
    for (const c of [...s.containers.keys()].sort()) {
      views[k].push(...(await containerViews(runner, s, n, c)));
      const names = [...new Set([...s.containers.keys(), ...(o.askDns ?? []), 'nslab-no-such-name'])];
      views[k].push(await dnsAnswers(runner, s, n, c, names));
    }
    if (more.cli) views[k].push(...(await inspectViews(s, n, more.cli[k])));
    (more.told ?? []).forEach((t, i) => views[k].push({ aspect: `line ${i + 1}: ${t.line}`, lines: printedLines(t[k], n) }));
  }
  return { differences: differences(views.nslab, views.real), compared: [...new Set([...views.nslab, ...views.real].map((v) => v.aspect))] };
}
