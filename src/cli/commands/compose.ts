import type { Argv, CommandModule } from 'yargs';
import { remoteCheck, sandboxCommands } from '../../docker/sandbox.js';
import { composeProject, downCommands, upCommands, type ComposeProject } from '../../compose/project.js';
import { composeChecks, renderMatrix } from '../../compose/verify.js';
import { runWarnings } from '../../docker/commands.js';
import { currentSandbox, dockerDoAll, sandboxName, sandboxRunning } from '../../docker/session.js';
import { NslabError } from '../../errors.js';
import { cmd, renderCmd } from '../../exec/command.js';
import { readManifest } from '../../lifecycle/state.js';
import { verifyLab } from '../../verify/verify-lab.js';
import { renderOutcomes } from '../../verify/report.js';
import { table } from '../../view/table.js';
import type { Action, Context, GlobalArgs } from '../context.js';
import { printJson } from '../context.js';

// `nslab compose`: a compose file's networks and services, on the same sandbox engine as
// `nslab docker`, so `nslab docker ps` and `network ls` show them too.

type Args = GlobalArgs & { action: string; service?: string; command?: string[]; file: string; projectName?: string; quiet: boolean; docker?: string; firewall?: string; remote?: string; '--'?: string[] };

// The YAML parser, the schema validator and the Compose schema load with the first compose
// command, not with every nslab command (~45 ms at start).
async function load(args: Args): Promise<{ project: ComposeProject; ignored: readonly string[] }> {
  const { loadCompose } = await import('../../compose/load.js');
  const file = loadCompose(args.file, args.projectName);
  return { project: composeProject(file), ignored: file.ignored };
}

async function up(ctx: Context, args: Args): Promise<number> {
  const { project, ignored } = await load(args);
  if (ignored.length && !ctx.json) ctx.io.err(`ignored (no network meaning): ${ignored.join(', ')}\n`);
  const engine = currentSandbox().engine;
  const commands = upCommands(project, engine);
  if (commands.length === 0) {
    ctx.io.out(`project ${project.name} is up already\n`);
    return 0;
  }
  for (const w of commands.flatMap(runWarnings)) ctx.io.err(`${w}\n`);
  const { steps } = await dockerDoAll(commands, ctx.runner, { docker: args.docker, firewall: args.firewall, remote: args.remote }, ctx.signal);
  if (ctx.json) printJson(ctx.io, { project: project.name, commands: steps.map((s) => ({ command: s.title, ran: s.ops.map((o) => renderCmd(o.cmd)) })) });
  else {
    if (!args.quiet) for (const s of steps) ctx.io.out(`# ${s.title}\n${s.ops.map((o) => renderCmd(o.cmd)).join('\n')}\n`);
    for (const n of project.networks.filter((x) => !x.external)) ctx.io.out(`Network ${n.name}  Created\n`);
    for (const s of project.services) ctx.io.out(`Container ${s.container}  Started\n`);
  }
  return 0;
}

async function down(ctx: Context, args: Args): Promise<number> {
  const { project } = await load(args);
  if (!sandboxRunning()) throw new NslabError(`project ${project.name} is not up`, { hint: '`nslab compose up` first' });
  const created = sandboxCommands(readManifest(sandboxName()).options);
  const commands = downCommands(project.name, currentSandbox().engine, created);
  if (commands.length === 0) throw new NslabError(`project ${project.name} is not up`, { hint: '`nslab compose ps` shows what runs' });
  const { steps } = await dockerDoAll(commands, ctx.runner, {}, ctx.signal);
  if (!ctx.json && !args.quiet) for (const s of steps) ctx.io.out(`# ${s.title}\n${s.ops.map((o) => renderCmd(o.cmd)).join('\n')}\n`);
  for (const c of commands) if (!ctx.json && (c.kind === 'rm' || c.kind === 'network-rm')) ctx.io.out(c.kind === 'rm' ? `Container ${c.name}  Removed\n` : `Network ${c.name}  Removed\n`);
  if (ctx.json) printJson(ctx.io, { project: project.name, removed: commands });
  return 0;
}

async function ps(ctx: Context, args: Args): Promise<number> {
  const { project } = await load(args);
  const model = sandboxRunning() ? currentSandbox() : undefined;
  const rows = project.services
    .filter((s) => model?.engine.sandboxes.has(s.container))
    .map((s) => ({ name: s.container, service: s.service, image: s.image, ports: (model!.containers.get(s.container)?.publish ?? []).map((p) => `${p.hostIp ?? '0.0.0.0'}:${p.hostPort}->${p.containerPort}/${p.protocol}`).join(', '), networks: s.networkMode && s.networkMode !== 'bridge' ? s.networkMode : model!.engine.sandboxes.get(s.container)!.endpoints.map((e) => `${e.network} ${e.address}`).join(', ') }));
  if (ctx.json) printJson(ctx.io, rows);
  else ctx.io.out(`${table(['NAME', 'SERVICE', 'IMAGE', 'PORTS', 'NETWORKS'], rows.map((r) => [r.name, r.service, r.image, r.ports, r.networks]))}\n`);
  return 0;
}

async function verify(ctx: Context, args: Args): Promise<number> {
  const { project } = await load(args);
  if (!sandboxRunning()) throw new NslabError(`project ${project.name} is not up`, { hint: '`nslab compose up` first' });
  const model = currentSandbox();
  const missing = project.services.filter((s) => !model.engine.sandboxes.has(s.container));
  if (missing.length) throw new NslabError(`project ${project.name} is not up: no container ${missing.map((s) => s.container).join(', ')}`, { hint: '`nslab compose up` first' });
  const { pairs, published } = composeChecks(project, model.engine, model.remote && ((container, label) => remoteCheck(container, model.remote!, label)));
  const outcomes = await verifyLab(ctx.runner, model, [...pairs.map((p) => p.expectation), ...published]);
  const pass = outcomes.every((o) => o.pass);
  if (ctx.json) printJson(ctx.io, { project: project.name, pass, outcomes });
  else ctx.io.out(`${renderMatrix(project, pairs, outcomes)}\n${renderOutcomes(outcomes)}`);
  return pass ? 0 : 1;
}

async function exec(ctx: Context, args: Args): Promise<number> {
  const { project } = await load(args);
  const s = project.services.find((x) => x.service === args.service);
  if (!s) throw new NslabError(`no such service: ${String(args.service)}`, { hint: `the services: ${project.services.map((x) => x.service).join(', ')}` });
  const sandbox = sandboxRunning() ? currentSandbox().engine.sandboxes.get(s.container) : undefined;
  if (!sandbox) throw new NslabError(`service ${s.service} is not running`, { hint: '`nslab compose up` first' });
  const words = [...(args.command ?? []), ...(args['--'] ?? [])].map(String);
  const [file, ...rest] = words.length ? words : ['sh'];
  return ctx.runner.attach(cmd(file!, rest, sandbox.ns));
}

async function config(ctx: Context, args: Args): Promise<number> {
  const { project, ignored } = await load(args);
  if (ctx.json) printJson(ctx.io, { ...project, ignored });
  else {
    ctx.io.out(`name: ${project.name}\nnetworks:\n${project.networks.map((n) => `  ${n.key}: ${n.name}${n.external ? ' (external)' : ''}${n.subnet ? ` ${n.subnet}` : ''}`).join('\n')}\n`);
    ctx.io.out(`services (start order):\n${project.services.map((s) => `  ${s.service}: ${s.container}, ${s.image}, ${s.networkMode ? `network_mode: ${s.networkMode}` : `on ${s.attachments.map((a) => `${a.network}${a.ip ? ` ${a.ip}` : ''} as ${a.aliases.join('/')}`).join('; ')}`}`).join('\n')}\n`);
    if (ignored.length) ctx.io.out(`ignored (no network meaning): ${ignored.join(', ')}\n`);
  }
  return 0;
}

export function composeCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) =>
      y
        .positional('action', { choices: ['up', 'down', 'ps', 'config', 'verify', 'exec'] as const, demandOption: true })
        .positional('service', { type: 'string', describe: 'exec: the service to run the command in' })
        .positional('command', { type: 'string', array: true, default: [] })
        .option('file', { alias: 'f', type: 'string', default: 'compose.yaml', describe: 'the compose file' })
        .option('project-name', { alias: 'p', type: 'string', describe: 'the project name (default: name:, else the directory of the file)' })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'do not list the commands up and down ran' })
        .option('docker', { type: 'string', describe: 'the Docker version a new sandbox engine is created as' })
        .option('firewall', { type: 'string', describe: "Docker 29's firewall backend for a new sandbox engine" })
        .option('remote', { type: 'string', describe: "a new sandbox engine's remote network (CIDR), with a database at its .10:5432 (nslab docker --help)" }) as unknown as Argv<Args>,
    handler: action<Args>({ kernel: true, interruptible: true }, async (ctx, args) => {
      if (ctx.dryRun) throw new NslabError('nslab compose has no dry-run', { hint: '`nslab compose config` shows what up would create' });
      switch (args.action) {
        case 'up':
          return up(ctx, args);
        case 'down':
          return down(ctx, args);
        case 'ps':
          return ps(ctx, args);
        case 'config':
          return config(ctx, args);
        case 'verify':
          return verify(ctx, args);
        case 'exec':
          return exec(ctx, args);
        default:
          throw new NslabError(`unknown compose action ${args.action}`);
      }
    }),
  };
}
