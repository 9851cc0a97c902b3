import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NslabError } from '../errors.js';
import { cmd, type Cmd } from '../exec/command.js';
import type { CmdResult, Runner } from '../exec/runner.js';
import { namespaceNames } from '../kernel/netns-fs.js';
import { labDown, labUp } from '../lifecycle/lifecycle.js';
import { buildLab, detectEnv } from '../plan/build.js';
import { instanceDir, instanceExists } from '../lifecycle/state.js';
import { nsName, validateLabName } from '../model/names.js';
import { pidfileOf, REAL_ID, realEngineLab } from './engine-lab.js';
import { ensureRoot, standInTar } from './roots.js';
import { imageConfig } from '../docker/images.js';
import { CONTAINER_COMMANDS } from '../dockercli/containers.js';
import { parseFlags } from '../dockercli/flags.js';
import type { RealEngine } from './engines.js';

// Talking to a running real dockerd: its CLI (the root's own docker, entered into dockerd's
// mount and network namespaces), its files (through /proc/<pid>/root, which reaches into its
// mount namespace), and its containers' network namespaces, given names nslab-<engine>-<container>
// so that nslab's own reader (inspect/world.ts) and `nslab clean` see them like a lab's.

export interface RunningDockerd {
  readonly pid: number;
  readonly mnt: string;
  readonly cgroup: string;
}

export function runningDockerd(name: string): RunningDockerd {
  try {
    return JSON.parse(readFileSync(pidfileOf(instanceDir(name)), 'utf8')) as RunningDockerd;
  } catch {
    throw new NslabError(`no real dockerd runs as ${name}`, { hint: 'nslab compare <lab> --real and nslab docker --real start one' });
  }
}

/** The docker CLI of the engine's root, as a command (copy-pasteable while it runs). */
export function realDockerCmd(name: string, args: readonly string[]): Cmd {
  return cmd('nsenter', ['-t', String(runningDockerd(name).pid), '-m', '-n', '-r', '-w', 'docker', ...args]);
}

export function realDocker(runner: Runner, name: string, args: readonly string[], input?: string): Promise<CmdResult> {
  return runner.run(realDockerCmd(name, args), { allowFail: true, timeoutMs: 120_000, ...(input === undefined ? {} : { input }) });
}

/**
 * The stand-in for an image, imported the first time a line names it: busybox-static with the
 * config of the image as nslab knows it (its entrypoint, command and exposed ports), so `docker
 * ps` and inspect read alike on both sides. (There is no registry here.)
 */
export async function ensureImage(runner: Runner, name: string, image: string): Promise<void> {
  if ((await realDocker(runner, name, ['image', 'inspect', '--format', '{{.Id}}', image])).exitCode === 0) return;
  const c = imageConfig(image);
  const changes = [
    ...(c.entrypoint.length ? [`ENTRYPOINT ${JSON.stringify(c.entrypoint)}`] : []),
    ...(c.cmd.length ? [`CMD ${JSON.stringify(c.cmd)}`] : []),
    ...c.expose.map((p) => `EXPOSE ${p}`),
  ].flatMap((ch) => ['--change', ch]);
  const r = await realDocker(runner, name, ['import', ...changes, standInTar(), image]);
  if (r.exitCode !== 0) throw new NslabError(`the real dockerd could not import a stand-in for ${image}: ${r.stderr.trim()}`, { hint: 'nslab clean real-docker instances and try again' });
}

/** The image a `docker run` line names, read with the run command's own flags. */
export function imageOfRun(argv: readonly string[]): string | undefined {
  const at = argv[0] === 'container' ? 1 : 0;
  if (argv[at] !== 'run' && argv[at] !== 'create') return undefined;
  const run = CONTAINER_COMMANDS.find((c) => c.path === 'run');
  try {
    return parseFlags(argv.slice(at + 1), run?.flags ?? [], { interspersed: false }).args[0];
  } catch {
    return undefined;
  }
}

/** A file dockerd keeps for a container (hosts, resolv.conf), read inside its mount namespace. */
export function containerFile(name: string, id: string, file: string): string | undefined {
  try {
    return readFileSync(join('/proc', String(runningDockerd(name).pid), 'root', 'var', 'lib', 'docker', 'containers', id, file), 'utf8');
  } catch {
    return undefined;
  }
}

function sameNamespace(a: string, b: string): boolean {
  try {
    return statSync(a).ino === statSync(b).ino;
  } catch {
    return false;
  }
}

/** The engine lab's own namespaces (its docker host and internet): not containers' names. */
const ownNodes = (name: string): string[] => [nsName(name, 'host'), nsName(name, 'wan')];

/**
 * Names each running container's network namespace nslab-<engine>-<container> (and lets go
 * the names of containers that are gone), so it reads like a lab's node. Returns the
 * containers by name, with their full IDs; those not running are added to `stopped`.
 */
export async function attachContainers(runner: Runner, name: string, stopped = new Set<string>()): Promise<Map<string, string>> {
  const ps = await realDocker(runner, name, ['ps', '-aq', '--no-trunc']);
  const ids = ps.stdout.split('\n').filter(Boolean);
  const byName = new Map<string, string>();
  if (ids.length) {
    const r = await realDocker(runner, name, ['inspect', '-f', '{{.Name}} {{.Id}} {{.State.Pid}} {{.HostConfig.NetworkMode}}', ...ids]);
    const prefix = nsName(name, '');
    const have = new Set(namespaceNames().filter((n) => n.startsWith(prefix)));
    for (const line of r.stdout.split('\n').filter(Boolean)) {
      const [slashed, id, pid, mode] = line.split(' ') as [string, string, string, string];
      const container = slashed.slice(1);
      byName.set(container, id);
      // host and container: ones share a namespace that has a name already; one not running has none.
      if (pid === '0') stopped.add(container);
      if (mode === 'host' || mode.startsWith('container:') || pid === '0') continue;
      const ns = nsName(name, container);
      // A name left from an earlier container of the same name names another namespace.
      if (have.has(ns) && !sameNamespace(`/run/netns/${ns}`, `/proc/${pid}/ns/net`)) await runner.run(cmd('ip', ['netns', 'del', ns]), { allowFail: true });
      if (!have.has(ns) || !sameNamespace(`/run/netns/${ns}`, `/proc/${pid}/ns/net`)) await runner.run(cmd('ip', ['netns', 'attach', ns, pid]));
      have.delete(ns);
    }
    for (const stale of have) if (!ownNodes(name).includes(stale)) await runner.run(cmd('ip', ['netns', 'del', stale]), { allowFail: true });
  }
  return byName;
}

/**
 * Starts a real dockerd as lab `name` (building its root first if the cache has none), or
 * finds it running. `say` hears about a root being built.
 */
export async function startRealEngine(runner: Runner, e: RealEngine, name: string, say: (line: string) => void, signal?: AbortSignal, host: { uplink?: boolean; internetDns?: boolean; pools?: readonly string[]; engineId?: string } = {}): Promise<void> {
  const valid = validateLabName(name);
  if (instanceExists(valid)) return;
  await ensureRoot(e, runner, say);
  const env = detectEnv();
  const options = { engine: e.version, ...(host.uplink === false ? { uplink: false } : {}), ...(host.internetDns === false ? { internetDns: false } : {}), ...(host.pools ? { pools: host.pools.join(',') } : {}), ...(host.engineId ? { engineId: host.engineId } : {}) };
  await labUp(buildLab(realEngineLab, valid, options, env), env, options, runner, { signal });
}

/** Stops it with everything it made: containers, their namespaces' names, its own. */
export async function stopRealEngine(runner: Runner, name: string): Promise<void> {
  if (!instanceExists(name)) return;
  for (const ns of namespaceNames().filter((n) => n.startsWith(nsName(name, '')) && !ownNodes(name).includes(n))) await runner.run(cmd('ip', ['netns', 'del', ns]), { allowFail: true });
  await labDown(name, runner);
}

export { REAL_ID };
