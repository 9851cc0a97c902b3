import { runWarnings } from '../docker/commands.js';
import { imageBase, parseServicePort } from '../docker/images.js';
import { parseAddHost, validateContainerName } from '../docker/parse.js';
import { parsePortSpec, portsCell } from '../docker/port-spec.js';
import { dockerReset, sandboxName, sandboxRunning } from '../sandbox/session.js';
import { labDownPlan } from '../lifecycle/lifecycle.js';
import { renderCommands } from '../plan/render-shell.js';
import type { SandboxModel } from '../sandbox/sandbox.js';
import { cmd } from '../exec/command.js';
import { containerInspect, networkInspect, stoppedInspect, type InspectSource } from '../inspect/docker-inspect.js';
import { readLab } from '../inspect/world.js';
import { NslabError } from '../errors.js';
import { printJson } from '../program/context.js';
import { flagBool, flagList, flagString, type FlagSpec, type Parsed } from './flags.js';
import { change, clientSide, say, standing } from './changes.js';
import { anyContainer, container, findContainer, findNetwork, findStopped } from './lookup.js';
import { commandCell, humanDuration, renderListing } from './table.js';
import { parseTemplate } from './template.js';
import { ClientError, StartFailure, UsageError } from './words.js';
import type { DockerCliContext, DockerCommandDef } from './program.js';

// docker run, exec, ps, rm, inspect, port, attach (and the `container` forms of each) on the
// sandbox engine. A container is a namespace with a stand-in for its image's service: it
// always runs, has no console, and answers on its ports with its name.

const inert = (name: string, kind: FlagSpec['kind'], help: string, short?: string): FlagSpec => ({ name, kind, help, inert: true, ...(short ? { short } : {}) });

/** Docker flags that change a container's network, which nslab does not rebuild: refused by name. */
const NOT_REBUILT: Readonly<Record<string, string>> = {
  'mac-address': 'nslab derives each endpoint MAC as the Docker version does',
  dns: "the resolver is the embedded DNS's or a copy of the host's",
  'dns-search': "the resolver is the embedded DNS's or a copy of the host's",
  link: 'legacy links are not rebuilt; use a user-defined network',
  sysctl: 'the namespace gets the sysctls Docker sets',
  'publish-all': 'publish each port with -p',
};

const refused = (name: string, short?: string): FlagSpec => ({ name, kind: name === 'publish-all' ? 'bool' : 'list', help: `(not rebuilt: ${NOT_REBUILT[name]})`, ...(short ? { short } : {}) });

const RUN_FLAGS: readonly FlagSpec[] = [
  { name: 'detach', short: 'd', kind: 'bool', help: 'Run container in background and print container ID' },
  { name: 'name', kind: 'string', help: 'Assign a name to the container' },
  { name: 'network', kind: 'string', help: 'Connect a container to a network' },
  { name: 'net', kind: 'string', help: 'Connect a container to a network (--network)' },
  { name: 'publish', short: 'p', kind: 'list', help: "Publish a container's port(s) to the host" },
  { name: 'expose', kind: 'list', help: 'Expose a port or a range of ports' },
  { name: 'ip', kind: 'string', help: 'IPv4 address (e.g., 172.30.100.104)' },
  { name: 'ip6', kind: 'string', help: 'IPv6 address (e.g., 2001:db8::33)' },
  { name: 'network-alias', kind: 'list', help: 'Add network-scoped alias for the container' },
  { name: 'net-alias', kind: 'list', help: 'Add network-scoped alias for the container (--network-alias)' },
  { name: 'add-host', kind: 'list', help: 'Add a custom host-to-IP mapping (host:ip)' },
  { name: 'hostname', short: 'h', kind: 'string', help: 'Container host name' },
  { name: 'quiet', short: 'q', kind: 'bool', help: 'Suppress the pull output (nslab: and the listing of what it ran)' },
  { name: 'gw-priority', kind: 'string', help: 'Highest gw-priority provides the default gateway (Docker 28 and later)' },
  inert('interactive', 'bool', 'Keep STDIN open even if not attached', 'i'),
  inert('tty', 'bool', 'Allocate a pseudo-TTY', 't'),
  inert('rm', 'bool', 'Automatically remove the container when it exits'),
  inert('env', 'list', 'Set environment variables', 'e'),
  inert('env-file', 'list', 'Read in a file of environment variables'),
  inert('volume', 'list', 'Bind mount a volume', 'v'),
  inert('workdir', 'string', 'Working directory inside the container', 'w'),
  inert('user', 'string', 'Username or UID', 'u'),
  inert('label', 'list', 'Set meta data on a container', 'l'),
  inert('restart', 'string', 'Restart policy to apply when a container exits'),
  inert('entrypoint', 'string', 'Overwrite the default ENTRYPOINT of the image'),
  inert('privileged', 'bool', 'Give extended privileges to this container'),
  inert('init', 'bool', 'Run an init inside the container'),
  inert('pull', 'string', 'Pull image before running'),
  inert('platform', 'string', 'Set platform if server is multi-platform capable'),
  inert('memory', 'string', 'Memory limit', 'm'),
  inert('cpus', 'string', 'Number of CPUs'),
  inert('cap-add', 'list', 'Add Linux capabilities'),
  inert('cap-drop', 'list', 'Drop Linux capabilities'),
  refused('mac-address'),
  refused('dns'),
  refused('dns-search'),
  refused('link'),
  refused('sysctl'),
  refused('publish-all', 'P'),
];

/** A flag nslab knows Docker has but does not rebuild: the CLI refuses it with the reason. */
export function refuseNotRebuilt(p: Parsed, flags: readonly FlagSpec[]): void {
  for (const f of flags) {
    if (f.name in NOT_REBUILT && p.flags[f.name] !== undefined) throw new ClientError(`--${f.name} is a docker flag nslab does not rebuild: ${NOT_REBUILT[f.name]}`, { hint: 'leave it out' });
  }
}

/** --gw-priority N: from Docker 28 (API 1.48); before it the flag does not exist. */
export function gwPriorityFlag(ctx: DockerCliContext, p: Parsed): number | undefined {
  const v = flagString(p.flags, 'gw-priority');
  if (v === undefined) return undefined;
  if (ctx.dialect === 'docker-26') throw new UsageError('unknown flag: --gw-priority', 'flag');
  if (!/^-?\d+$/.test(v)) throw new ClientError(`invalid argument "${v}" for "--gw-priority" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}

/** Docker names an unnamed container; nslab's names are the image's, numbered (nginx1, nginx2). */
function autoName(image: string, model: SandboxModel): string {
  const base = imageBase(image).replace(/[^a-zA-Z0-9_.-]/g, '').replace(/^[^a-zA-Z0-9]+/, '') || 'container';
  for (let i = 1; ; i++) if (!model.containers.has(`${base}${i}`)) return `${base}${i}`;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);

async function run(ctx: DockerCliContext, p: Parsed): Promise<number> {
  refuseNotRebuilt(p, RUN_FLAGS);
  const f = p.flags;
  const [image, ...command] = p.args as [string, ...string[]];
  const network = flagString(f, 'network') ?? flagString(f, 'net');
  const aliases = [...flagList(f, 'network-alias'), ...flagList(f, 'net-alias')];
  const publish = clientSide(() => flagList(f, 'publish').flatMap(parsePortSpec));
  const expose = clientSide(() => flagList(f, 'expose').map(parseServicePort));
  const addHosts = clientSide(() => flagList(f, 'add-host').map(parseAddHost));
  // The CLI refuses aliases on the default network before asking the daemon (opts/parse.go).
  if (aliases.length && (network === undefined || network === 'bridge' || network === 'default')) throw new ClientError('network-scoped aliases are only supported for user-defined networks');
  const name = flagString(f, 'name');
  const gwPriority = gwPriorityFlag(ctx, p);
  const created = new Date().toISOString();
  const done = await change(ctx, (current) => [
    {
      kind: 'run',
      name: name === undefined ? autoName(image, current) : validateContainerName(name),
      image,
      network,
      publish,
      expose,
      ip: flagString(f, 'ip'),
      ...(flagString(f, 'ip6') === undefined ? {} : { ip6: flagString(f, 'ip6') }),
      aliases,
      hostname: flagString(f, 'hostname'),
      addHosts,
      ...(gwPriority === undefined ? {} : { gwPriority }),
      ...(command.length ? { command } : {}),
      created,
      ...(flagBool(f, 'tty') ? { tty: true } : {}),
      ...(flagBool(f, 'interactive') ? { interactive: true } : {}),
    },
  ]);
  const made = done.commands[0]!;
  for (const w of runWarnings(made)) ctx.io.err(`${w}\n`);
  const record = made.kind === 'run' ? done.model.containers.get(made.name) : undefined;
  if (ctx.dryRun || !record || ctx.json) return 0;
  // It was created; if it could not start, docker run says why after its ID (exit 125).
  say(ctx, `${done.model.engine.containerId(record.name)}\n`);
  if (record.state === 'created') throw new StartFailure(record.error ?? 'the container could not start', { hint: `it stays created (docker ps -a): docker rm ${record.name}, then run it again once the port or address is free` });
  const s = done.model.engine.sandboxes.get(record.name);
  if (!s) return 0;
  // `docker run -it IMAGE` without -d opens the container's shell; here, one in its namespace.
  const wantsConsole = !flagBool(f, 'detach') && flagBool(f, 'interactive') && flagBool(f, 'tty');
  const shell = done.model.containers.get(s.container)?.command ?? [];
  if (wantsConsole && ctx.io.input?.isTTY && SHELLS.has(shell[0]?.split('/').at(-1) ?? '')) {
    ctx.io.err(`nslab: a shell in ${s.container}'s namespace stands in for its console; ${s.container} keeps running when you leave it\n`);
    return ctx.runner.attach(cmd(shell[0]!, shell.slice(1), s.ns));
  }
  return 0;
}

async function exec(ctx: DockerCliContext, p: Parsed): Promise<number> {
  // nslab's own older form, `docker exec web -- ip addr`, still works: a real docker would
  // try to run "--" (and fail), so nothing typed for Docker means that.
  const [ref, ...words] = p.args as [string, ...string[]];
  const [file, ...rest] = words[0] === '--' ? words.slice(1) : words;
  if (file === undefined) throw new UsageError('requires at least 2 arguments', 'args', 'min');
  const s = container(standing(), ref);
  if (flagBool(p.flags, 'detach')) {
    await ctx.runner.run(cmd('setsid', ['-f', file, ...rest], s.ns));
    return 0;
  }
  return ctx.runner.attach(cmd(file, rest, s.ns));
}

async function attach(ctx: DockerCliContext, p: Parsed): Promise<number> {
  const s = container(standing(), p.args[0]!);
  ctx.io.err(
    `nslab: ${s.container} has no console to attach to: it is a namespace whose stand-in answers on its ports, not a process with a terminal.\n` +
      `nslab: here is a shell in its namespace instead (what \`docker exec -it ${s.container} sh\` gives); ${s.container} keeps running when you leave it.\n`,
  );
  return ctx.runner.attach(cmd('sh', [], s.ns));
}

interface PsRow extends Record<string, unknown> {
  readonly ID: string;
  readonly Image: string;
  readonly Command: string;
  readonly CreatedAt: string;
  readonly RunningFor: string;
  readonly Ports: string;
  readonly State: string;
  readonly Status: string;
  readonly Names: string;
  readonly Networks: string;
  readonly Labels: string;
  readonly Mounts: string;
  readonly Size: string;
}

const PS_HEADERS = { ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Names: 'NAMES', Networks: 'NETWORKS', Labels: 'LABELS', Mounts: 'MOUNTS', Size: 'SIZE' };

/** `2026-12-04 18:37:59 +0000 UTC`, as Go prints a time. */
const goTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;

function psRows(ctx: DockerCliContext, model: SandboxModel | undefined, noTrunc: boolean, all: boolean): PsRow[] {
  const now = Date.now();
  const v6 = ctx.dialect === 'docker-26' ? '::' : '[::]';
  return [...(model?.containers.values() ?? [])]
    .filter((r) => all || r.state === 'running')
    .map((r) => {
      const s = model!.engine.sandboxes.get(r.name);
      const id = model!.engine.containerId(r.name);
      const age = humanDuration((now - Date.parse(r.created ?? new Date(now).toISOString())) / 1000);
      const networks = !s ? r.networks : s.mode === 'network' ? s.endpoints.map((e) => e.network) : s.mode === 'container' ? [] : [s.mode];
      // An exited one ended as it started: it exited as long ago as it was created.
      const status = r.state === 'running' ? `Up ${age}` : r.state === 'exited' ? `Exited (0) ${age} ago` : 'Created';
      return {
        ID: noTrunc ? id : id.slice(0, 12),
        Image: r.image,
        Command: commandCell(r.command.join(' '), noTrunc),
        CreatedAt: goTime(r.created ?? new Date(now).toISOString()),
        RunningFor: `${age} ago`,
        // A container sharing the host's or another's namespace publishes nothing of its own.
        Ports: s?.mode === 'network' ? portsCell(r.bound ?? r.publish, r.exposed, v6) : '',
        State: r.state,
        Status: status,
        Names: r.name,
        Networks: networks.join(','),
        Labels: '',
        Mounts: '',
        Size: '0B',
        created: r.created ?? '',
      };
    })
    .sort((a, b) => b.created.localeCompare(a.created))
    .map(({ created: _c, ...row }) => row);
}

/** `--filter` on ps: name, id, network, status, ancestor. */
function psFilter(filters: readonly string[]): (row: PsRow) => boolean {
  const tests = filters.map((spec) => {
    const [key, value = ''] = [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)];
    if (key === 'name') return (r: PsRow) => new RegExp(value).test(r.Names);
    if (key === 'id') return (r: PsRow) => r.ID.startsWith(value);
    if (key === 'network') return (r: PsRow) => r.Networks.split(',').includes(value);
    if (key === 'status') return (r: PsRow) => r.State === value;
    if (key === 'ancestor') return (r: PsRow) => imageBase(r.Image) === imageBase(value);
    throw new ClientError(`invalid filter '${key}'`, { hint: "nslab's ps filters by name, id, network, status and ancestor" });
  });
  return (row) => tests.every((t) => t(row));
}

async function ps(ctx: DockerCliContext, p: Parsed): Promise<number> {
  const f = p.flags;
  const format = flagString(f, 'format');
  if (format) clientSide(() => parseTemplate(format.replace(/^table /, '')));
  let rows = psRows(ctx, standing(), flagBool(f, 'no-trunc'), flagBool(f, 'all') || flagList(f, 'filter').some((x) => x.startsWith('status='))).filter(psFilter(flagList(f, 'filter')));
  const last = flagBool(f, 'latest') ? 1 : Number(flagString(f, 'last') ?? -1);
  if (last >= 0) rows = rows.slice(0, last);
  if (ctx.json) {
    printJson(ctx.io, rows);
    return 0;
  }
  ctx.io.out(
    renderListing(
      { columns: [['ID', 'CONTAINER ID'], ['Image', 'IMAGE'], ['Command', 'COMMAND'], ['RunningFor', 'CREATED'], ['Status', 'STATUS'], ['Ports', 'PORTS'], ['Names', 'NAMES']], headers: PS_HEADERS, rows, idField: 'ID' },
      { quiet: flagBool(f, 'quiet'), format },
    ),
  );
  return 0;
}

async function rm(ctx: DockerCliContext, p: Parsed): Promise<number> {
  const force = flagBool(p.flags, 'force');
  let failed = false;
  for (const ref of p.args) {
    try {
      const done = await change(ctx, (current) => {
        const s = anyContainer(current, ref);
        // Docker removes a running one only when forced (nslab has no docker stop).
        if (!force && s.sandbox) throw new NslabError(`cannot remove container "${ctx.dialect === 'docker-26' ? '/' : ''}${s.name}": container is running: stop the container before removing or force remove`, { hint: `nslab has no docker stop: docker rm -f ${ref}` });
        return [{ kind: 'rm', name: s.name }];
      });
      if (!ctx.dryRun) say(ctx, `${ref}\n`);
      void done;
    } catch (err) {
      if (!(err instanceof NslabError) || err instanceof ClientError) throw err;
      // Docker goes on to the next name; with -f a missing container is said but not failed.
      ctx.io.err(`Error response from daemon: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
      if (!(force && /^No such container/.test(err.message))) failed = true;
    }
  }
  return failed ? 1 : 0;
}

/** The docker inspect JSON sources: the engine, its containers, and the kernel now. */
export async function inspectSource(ctx: DockerCliContext, model: SandboxModel): Promise<InspectSource> {
  return { engine: model.engine, containers: model.containers, lab: sandboxName(), world: await readLab(ctx.runner, sandboxName(), { rules: false }), api: ctx.dialect === 'docker-26' ? 'v1.45' : 'v1.48' };
}

/** Prints objects as docker inspect does: indented JSON, or each through --format. */
export function printInspected(ctx: DockerCliContext, objects: readonly unknown[], format: string | undefined): void {
  if (format !== undefined && format !== '' && format !== 'json') {
    const t = parseTemplate(format);
    for (const o of objects) ctx.io.out(`${t.execute(o)}\n`);
  } else ctx.io.out(`${JSON.stringify(objects, null, 4)}\n`);
}

async function inspect(ctx: DockerCliContext, p: Parsed): Promise<number> {
  const format = flagString(p.flags, 'format');
  if (format) clientSide(() => parseTemplate(format));
  const type = flagString(p.flags, 'type');
  const model = standing();
  const src = model && (await inspectSource(ctx, model));
  const found: unknown[] = [];
  const missing: string[] = [];
  for (const ref of p.args) {
    const s = type === 'network' ? undefined : findContainer(model, ref);
    const stopped = s || type === 'network' ? undefined : findStopped(model, ref);
    const n = s || stopped || type === 'container' ? undefined : findNetwork(model, ref);
    if (s && src) found.push(containerInspect(src, s));
    else if (stopped && src) found.push(stoppedInspect(src, stopped));
    else if (n && src) found.push(networkInspect(src, n, model!.networkCreated(n.name)));
    else missing.push(ref);
  }
  if (found.length || !format) printInspected(ctx, found, format);
  for (const ref of missing) ctx.io.err(`Error: No such object: ${ref}\n`);
  return missing.length ? 1 : 0;
}

async function port(ctx: DockerCliContext, p: Parsed): Promise<number> {
  const [ref, want] = p.args as [string, string | undefined];
  const model = standing();
  const s = container(model, ref);
  const r = model!.containers.get(s.container)!;
  const v6 = '[::]';
  const lines = (r.bound ?? r.publish).flatMap((b) => (b.hostIp ? [[b, b.hostIp]] : [[b, '0.0.0.0'], [b, v6]]) as [typeof b, string][]);
  if (want === undefined) {
    ctx.io.out(lines.map(([b, ip]) => `${b.containerPort}/${b.protocol} -> ${ip}:${b.hostPort}\n`).join(''));
    return 0;
  }
  const [num, proto = 'tcp'] = want.split('/');
  const match = lines.filter(([b]) => String(b.containerPort) === num && b.protocol === proto);
  if (!match.length) {
    ctx.io.err(`Error: No public port '${want}' published for ${ref}\n`);
    return 1;
  }
  ctx.io.out(match.map(([b, ip]) => `${ip}:${b.hostPort}\n`).join(''));
  return 0;
}

async function reset(ctx: DockerCliContext): Promise<number> {
  if (ctx.dryRun) {
    ctx.io.out(sandboxRunning() ? renderCommands(`nslab docker reset --dry-run: what reset would undo, from the engine's journal, newest first; nothing was run`, labDownPlan(sandboxName())) : 'no sandbox engine is running: reset would do nothing\n');
    return 0;
  }
  const removed = await dockerReset(ctx.runner);
  ctx.io.out(removed ? 'the sandbox engine and everything on it are removed\n' : 'no sandbox engine was running\n');
  return 0;
}

const FORMAT: FlagSpec = { name: 'format', short: 'f', kind: 'string', help: 'Format output using a custom template' };

export const CONTAINER_COMMANDS: readonly DockerCommandDef[] = [
  { path: 'run', usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]', summary: 'Create and run a new container from an image', flags: RUN_FLAGS, interspersed: false, args: { min: 1 }, changes: true, run },
  {
    path: 'exec',
    usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
    summary: 'Execute a command in a running container',
    flags: [
      { name: 'detach', short: 'd', kind: 'bool', help: 'Detached mode: run command in the background' },
      inert('interactive', 'bool', 'Keep STDIN open even if not attached', 'i'),
      inert('tty', 'bool', 'Allocate a pseudo-TTY', 't'),
      inert('env', 'list', 'Set environment variables', 'e'),
      inert('user', 'string', 'Username or UID', 'u'),
      inert('workdir', 'string', 'Working directory inside the container', 'w'),
      inert('privileged', 'bool', 'Give extended privileges to the command'),
    ],
    interspersed: false,
    args: { min: 2 },
    changes: false,
    reads: true,
    run: exec,
  },
  {
    path: 'ps',
    usage: '[OPTIONS]',
    summary: 'List containers',
    flags: [
      { name: 'all', short: 'a', kind: 'bool', help: 'Show all containers (default shows just running)' },
      { name: 'quiet', short: 'q', kind: 'bool', help: 'Only display container IDs' },
      { ...FORMAT, short: undefined },
      { name: 'no-trunc', kind: 'bool', help: "Don't truncate output" },
      { name: 'filter', short: 'f', kind: 'list', help: 'Filter output based on conditions provided' },
      { name: 'last', short: 'n', kind: 'string', help: 'Show n last created containers' },
      { name: 'latest', short: 'l', kind: 'bool', help: 'Show the latest created container' },
      inert('size', 'bool', 'Display total file sizes', 's'),
    ],
    interspersed: true,
    args: { min: 0, max: 0 },
    changes: false,
    run: ps,
  },
  {
    path: 'rm',
    usage: '[OPTIONS] CONTAINER [CONTAINER...]',
    summary: 'Remove one or more containers',
    flags: [{ name: 'force', short: 'f', kind: 'bool', help: 'Force the removal of a running container' }, inert('volumes', 'bool', 'Remove anonymous volumes associated with the container', 'v')],
    interspersed: true,
    args: { min: 1 },
    changes: true,
    run: rm,
  },
  {
    path: 'inspect',
    usage: '[OPTIONS] NAME|ID [NAME|ID...]',
    summary: 'Return low-level information on Docker objects',
    flags: [FORMAT, { name: 'type', kind: 'string', help: 'Return JSON for specified type' }, inert('size', 'bool', 'Display total file sizes if the type is container', 's')],
    interspersed: true,
    args: { min: 1 },
    changes: false,
    reads: true,
    run: inspect,
  },
  { path: 'port', usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]', summary: 'List port mappings or a specific mapping for the container', flags: [], interspersed: true, args: { min: 1, max: 2 }, changes: false, run: port },
  {
    path: 'attach',
    usage: '[OPTIONS] CONTAINER',
    summary: 'Attach local standard input, output, and error streams to a running container',
    flags: [inert('no-stdin', 'bool', 'Do not attach STDIN'), inert('sig-proxy', 'bool', 'Proxy all received signals to the process'), inert('detach-keys', 'string', 'Override the key sequence for detaching a container')],
    interspersed: true,
    args: { min: 1, max: 1 },
    changes: false,
    reads: true,
    run: attach,
  },
  {
    path: 'container prune',
    usage: '[OPTIONS]',
    summary: 'Remove all stopped containers',
    flags: [{ name: 'force', short: 'f', kind: 'bool', help: 'Do not prompt for confirmation' }, inert('filter', 'list', 'Provide filter values')],
    interspersed: true,
    args: { min: 0, max: 0 },
    changes: false,
    // nslab's containers never stop: there is nothing to prune.
    run: async (ctx) => {
      ctx.io.out('Total reclaimed space: 0B\n');
      return 0;
    },
  },
  { path: 'reset', usage: '', summary: "(nslab) Remove the sandbox engine and everything built on it", flags: [], interspersed: true, args: { min: 0, max: 0 }, changes: true, run: reset },
];
