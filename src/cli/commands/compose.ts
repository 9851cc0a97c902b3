import { remoteCheck, sandboxCommands, type SandboxModel } from '../../sandbox/sandbox.js';
import { composeProject, downCommands, upCommands, type ComposeProject } from '../../compose/project.js';
import { composeChecks, renderMatrix } from '../../compose/verify.js';
import { runWarnings, type DockerCommand } from '../../docker/commands.js';
import { portsCell } from '../../docker/port-spec.js';
import { currentSandbox, dockerPlan, sandboxName, sandboxRunning, type CommandsFor, type ProfileChoice } from '../../sandbox/session.js';
import { NslabError, formatError } from '../../errors.js';
import { cmd } from '../../exec/command.js';
import { preflight } from '../../kernel/preflight.js';
import { withInterrupts } from '../../lifecycle/interrupt.js';
import { readManifest } from '../../lifecycle/state.js';
import { verifyLab } from '../../verify/verify-lab.js';
import { renderOutcomes } from '../../verify/report.js';
import { change } from '../../dockercli/changes.js';
import { flagBool, flagString, FlagError, parseFlags, type FlagSpec, type Parsed } from '../../dockercli/flags.js';
import type { DockerCliContext } from '../../dockercli/program.js';
import { renderListing } from '../../dockercli/table.js';
import { dialectOf } from '../../dockercli/words.js';
import { noDryRun, printJson, runnerFor, type Io } from '../../program/context.js';
import { resolveProfile } from '../../docker/profile.js';

// `nslab compose`: a compose file's networks and services, on the same sandbox engine as
// `nslab docker`, so `nslab docker ps` and `network ls` show them too. Its grammar is docker
// compose's: `[-f FILE] [-p NAME] COMMAND`, and `exec SERVICE COMMAND [ARG...]` hands every
// word after the service to the command.

interface ComposeArgs {
  readonly file: string;
  readonly projectName: string | undefined;
}

// The YAML parser, the schema validator and the Compose schema load with the first compose
// command, not with every nslab command (~45 ms at start).
async function load(args: ComposeArgs): Promise<{ project: ComposeProject; ignored: readonly string[] }> {
  const { loadCompose } = await import('../../compose/load.js');
  const file = loadCompose(args.file, args.projectName);
  return { project: composeProject(file), ignored: file.ignored };
}

async function up(ctx: DockerCliContext, args: ComposeArgs): Promise<number> {
  const { project, ignored } = await load(args);
  if (ignored.length && !ctx.json) ctx.io.err(`ignored (no network meaning): ${ignored.join(', ')}\n`);
  const created = new Date().toISOString();
  const made: CommandsFor = (current) => upCommands(project, current.engine).map((c): DockerCommand => (c.kind === 'run' || c.kind === 'network-create' ? { ...c, created } : c));
  if (made(currentSandbox()).length === 0) {
    ctx.io.out(`project ${project.name} is up already\n`);
    return 0;
  }
  // Compose starts what it created; a container that could not start (a host port or an
  // address held) fails the up. Here the whole up is refused before anything is built.
  const unstarted = [...dockerPlan(made, ctx.choice).model.containers.values()].find((r) => r.project === project.name && r.state === 'created');
  if (unstarted) throw new NslabError(unstarted.error ?? `${unstarted.name} could not start`, { hint: 'free the port or address (docker ps shows who holds it), or change it in the compose file' });
  const done = await change(ctx, made);
  if (ctx.dryRun) return 0;
  for (const w of done.commands.flatMap(runWarnings)) ctx.io.err(`${w}\n`);
  if (!ctx.json) {
    for (const n of project.networks.filter((x) => !x.external)) ctx.io.out(`Network ${n.name}  Created\n`);
    for (const s of project.services) ctx.io.out(`Container ${s.container}  Started\n`);
  }
  return 0;
}

async function down(ctx: DockerCliContext, args: ComposeArgs): Promise<number> {
  const { project } = await load(args);
  if (!sandboxRunning()) throw new NslabError(`project ${project.name} is not up`, { hint: '`nslab compose up` first' });
  const made: CommandsFor = (current) => downCommands(project.name, current.engine, sandboxCommands(readManifest(sandboxName()).options));
  if (made(currentSandbox()).length === 0) throw new NslabError(`project ${project.name} is not up`, { hint: '`nslab compose ps` shows what runs' });
  const done = await change(ctx, made);
  if (ctx.dryRun || ctx.json) return 0;
  for (const c of done.commands) if (c.kind === 'rm' || c.kind === 'network-rm') ctx.io.out(c.kind === 'rm' ? `Container ${c.name}  Removed\n` : `Network ${c.name}  Removed\n`);
  return 0;
}

async function ps(ctx: DockerCliContext, args: ComposeArgs, p: Parsed): Promise<number> {
  const { project } = await load(args);
  const model: SandboxModel | undefined = sandboxRunning() ? currentSandbox() : undefined;
  const v6 = ctx.dialect === 'docker-26' ? '::' : '[::]';
  const rows = project.services
    .filter((s) => model?.engine.sandboxes.has(s.container))
    .map((s) => {
      const sandbox = model!.engine.sandboxes.get(s.container)!;
      const r = model!.containers.get(s.container);
      return {
        Name: s.container,
        Service: s.service,
        Image: s.image,
        Ports: sandbox.mode === 'network' && r ? portsCell(r.publish, r.exposed, v6) : '',
        Networks: s.networkMode && s.networkMode !== 'bridge' ? s.networkMode : sandbox.endpoints.map((e) => `${e.network} ${e.address}`).join(', '),
        ID: sandbox.id.slice(0, 12),
      };
    });
  if (ctx.json) printJson(ctx.io, rows);
  else ctx.io.out(renderListing({ columns: [['Name', 'NAME'], ['Service', 'SERVICE'], ['Image', 'IMAGE'], ['Ports', 'PORTS'], ['Networks', 'NETWORKS']], headers: { Name: 'NAME', Service: 'SERVICE', Image: 'IMAGE', Ports: 'PORTS', Networks: 'NETWORKS', ID: 'ID' }, rows, idField: 'ID' }, { quiet: flagBool(p.flags, 'quiet'), format: flagString(p.flags, 'format') }));
  return 0;
}

async function verify(ctx: DockerCliContext, args: ComposeArgs): Promise<number> {
  const { project } = await load(args);
  if (!sandboxRunning()) throw new NslabError(`project ${project.name} is not up`, { hint: '`nslab compose up` first' });
  const model = currentSandbox();
  const missing = project.services.filter((s) => !model.engine.sandboxes.has(s.container));
  if (missing.length) throw new NslabError(`project ${project.name} is not up: no container ${missing.map((s) => s.container).join(', ')}`, { hint: '`nslab compose up` first' });
  const { pairs, published } = composeChecks(project, model.engine, model.containers, model.remote && ((container, label) => remoteCheck(container, model.remote!, label)));
  const outcomes = await verifyLab(ctx.runner, model, [...pairs.map((p) => p.expectation), ...published]);
  const pass = outcomes.every((o) => o.pass);
  if (ctx.json) printJson(ctx.io, { project: project.name, pass, outcomes });
  else ctx.io.out(`${renderMatrix(project, pairs, outcomes)}\n${renderOutcomes(outcomes)}`);
  return pass ? 0 : 1;
}

async function exec(ctx: DockerCliContext, args: ComposeArgs, p: Parsed): Promise<number> {
  const [service, ...words] = p.args as [string, ...string[]];
  // As with nslab docker exec: a `--` after the service (nslab's older form) is dropped.
  const [file, ...rest] = words[0] === '--' ? words.slice(1) : words;
  const { project } = await load(args);
  const s = project.services.find((x) => x.service === service);
  if (!s) throw new NslabError(`service "${service}" is not running`, { hint: `the services: ${project.services.map((x) => x.service).join(', ')}` });
  const sandbox = sandboxRunning() ? currentSandbox().engine.sandboxes.get(s.container) : undefined;
  if (!sandbox) throw new NslabError(`service "${service}" is not running`, { hint: '`nslab compose up` first' });
  const [f, ...a] = file === undefined ? ['sh'] : [file, ...rest];
  if (flagBool(p.flags, 'detach')) {
    await ctx.runner.run(cmd('setsid', ['-f', f!, ...a], sandbox.ns));
    return 0;
  }
  return ctx.runner.attach(cmd(f!, a, sandbox.ns));
}

async function config(ctx: DockerCliContext, args: ComposeArgs, p: Parsed): Promise<number> {
  const { project, ignored } = await load(args);
  if (flagBool(p.flags, 'quiet')) return 0;
  if (ctx.json) printJson(ctx.io, { ...project, ignored });
  else {
    ctx.io.out(`name: ${project.name}\nnetworks:\n${project.networks.map((n) => `  ${n.key}: ${n.name}${n.external ? ' (external)' : ''}${n.subnet ? ` ${n.subnet}` : ''}`).join('\n')}\n`);
    ctx.io.out(`services (start order):\n${project.services.map((s) => `  ${s.service}: ${s.container}, ${s.image}, ${s.networkMode ? `network_mode: ${s.networkMode}` : `on ${s.attachments.map((a) => `${a.network}${a.ip ? ` ${a.ip}` : ''} as ${a.aliases.join('/')}`).join('; ')}`}`).join('\n')}\n`);
    if (ignored.length) ctx.io.out(`ignored (no network meaning): ${ignored.join(', ')}\n`);
  }
  return 0;
}

const inert = (name: string, kind: FlagSpec['kind'], help: string, short?: string): FlagSpec => ({ name, kind, help, inert: true, ...(short ? { short } : {}) });

const GLOBAL: readonly FlagSpec[] = [
  { name: 'file', short: 'f', kind: 'string', help: 'Compose configuration file (default compose.yaml)' },
  { name: 'project-name', short: 'p', kind: 'string', help: 'Project name (default: name:, else the directory of the file)' },
  inert('project-directory', 'string', 'Specify an alternate working directory'),
  { name: 'docker', kind: 'string', help: '(nslab) the Docker version a new sandbox engine is created as' },
  { name: 'firewall', kind: 'string', help: "(nslab) Docker 29's firewall backend for a new sandbox engine" },
  { name: 'remote', kind: 'string', help: "(nslab) a new sandbox engine's remote network (CIDR), with a database at its .10:5432" },
  { name: 'quiet', kind: 'bool', help: '(nslab) do not list the commands up and down ran' },
  { name: 'dry-run', kind: 'bool', help: 'Execute command in dry run mode: print what up or down would run, and run nothing' },
  { name: 'help', short: 'h', kind: 'bool', help: 'Print usage' },
];

interface Sub {
  readonly flags: readonly FlagSpec[];
  readonly interspersed: boolean;
  readonly changes: boolean;
  readonly summary: string;
  run(ctx: DockerCliContext, args: ComposeArgs, p: Parsed): Promise<number>;
}

const SUBS: Readonly<Record<string, Sub>> = {
  up: { summary: 'Create and start containers', changes: true, interspersed: true, flags: [inert('detach', 'bool', 'Detached mode (nslab: always)', 'd'), inert('build', 'bool', 'Build images'), inert('force-recreate', 'bool', 'Recreate containers'), inert('no-recreate', 'bool', 'Do not recreate'), inert('remove-orphans', 'bool', 'Remove orphans'), inert('wait', 'bool', 'Wait for services')], run: up },
  down: { summary: 'Stop and remove containers, networks', changes: true, interspersed: true, flags: [inert('remove-orphans', 'bool', 'Remove orphans'), inert('volumes', 'bool', 'Remove volumes', 'v'), inert('rmi', 'string', 'Remove images')], run: down },
  ps: { summary: 'List containers', changes: false, interspersed: true, flags: [{ name: 'quiet', short: 'q', kind: 'bool', help: 'Only display IDs' }, { name: 'format', kind: 'string', help: 'Format output using a custom template' }, inert('all', 'bool', 'Show all', 'a')], run: ps },
  config: { summary: 'Parse, resolve and render compose file in canonical format', changes: false, interspersed: true, flags: [{ name: 'quiet', short: 'q', kind: 'bool', help: 'Only validate the configuration' }], run: config },
  verify: { summary: "(nslab) Prove the project's network by packets: the services' reachability matrix", changes: false, interspersed: true, flags: [], run: verify },
  exec: {
    summary: 'Execute a command in a running container',
    changes: false,
    interspersed: false,
    flags: [{ name: 'detach', short: 'd', kind: 'bool', help: 'Run the command in the background' }, inert('no-TTY', 'bool', 'Disable pseudo-TTY allocation', 'T'), inert('interactive', 'bool', 'Keep STDIN open', 'i'), inert('tty', 'bool', 'Allocate a pseudo-TTY', 't'), inert('env', 'list', 'Set environment variables', 'e'), inert('user', 'string', 'Run the command as this user', 'u'), inert('workdir', 'string', 'Path to workdir directory', 'w'), inert('index', 'string', 'Index of the container')],
    run: exec,
  },
};

function help(): string {
  return `\nUsage:  nslab compose [OPTIONS] COMMAND\n\nA compose file's networks and services on nslab's sandbox docker host.\n\nOptions:\n${GLOBAL.map((f) => `  ${f.short ? `-${f.short}, ` : '    '}--${f.name.padEnd(18)}${f.help}`).join('\n')}\n\nCommands:\n${Object.entries(SUBS).map(([k, s]) => `  ${k.padEnd(8)}${s.summary}`).join('\n')}\n`;
}

export async function composeCommand(argv: readonly string[], io: Io, globals: { json: boolean; dryRun: boolean; verbose: boolean }): Promise<number> {
  try {
    const top = parseFlags(argv, GLOBAL, { interspersed: false });
    const [word, ...rest] = top.args;
    if (word === undefined || flagBool(top.flags, 'help')) {
      io.out(help());
      return 0;
    }
    const sub = SUBS[word];
    if (!sub) {
      io.err(`unknown docker command: "compose ${word}"\n`);
      return 1;
    }
    const p = parseFlags(rest, [...sub.flags, { name: 'help', kind: 'bool', help: '' }], { interspersed: sub.interspersed });
    if (word === 'exec' && p.args.length < 1) throw new NslabError('"docker compose exec" requires at least 2 arguments', { hint: 'nslab compose exec SERVICE COMMAND [ARG...]' });
    const choice: ProfileChoice = { docker: flagString(top.flags, 'docker'), firewall: flagString(top.flags, 'firewall'), remote: flagString(top.flags, 'remote') };
    const args: ComposeArgs = { file: flagString(top.flags, 'file') ?? 'compose.yaml', projectName: flagString(top.flags, 'project-name') };
    const docker = sandboxRunning() ? resolveProfile({ docker: readManifest(sandboxName()).options.docker as string | undefined }).docker : resolveProfile({ docker: choice.docker }).docker;
    const dryRun = globals.dryRun || flagBool(top.flags, 'dry-run');
    const base = { io, runner: runnerFor(io)(dryRun, globals.verbose), json: globals.json, dryRun, quiet: flagBool(top.flags, 'quiet'), choice, dialect: dialectOf(docker) };
    if (dryRun && !sub.changes) throw noDryRun(`compose ${word}`, 'reads the project and the engine');
    if (!dryRun) preflight();
    const run = (signal: AbortSignal | undefined) => sub.run({ ...base, signal }, args, p);
    return sub.changes && !dryRun ? await withInterrupts((line) => io.err(`\n${line}\n`), run) : await run(undefined);
  } catch (err) {
    if (err instanceof FlagError) {
      io.err(`${err.message}\n`);
      return 1;
    }
    io.err(`${formatError(err)}\n`);
    return err instanceof NslabError ? err.exitCode : 1;
  }
}
