import type { DockerCommand } from '../docker/commands.js';
import { currentSandbox, dockerDoAll, dockerPlan, sandboxRunning, type CommandsFor, type DockerChange } from '../sandbox/session.js';
import type { SandboxModel } from '../sandbox/sandbox.js';
import { NslabError } from '../errors.js';
import { renderCmd } from '../exec/command.js';
import { printJson } from '../program/context.js';
import { TemplateError } from './template.js';
import { ClientError } from './words.js';
import type { DockerCliContext } from './program.js';

// What every command that changes the engine shares: the change made under the engine's
// lock (or, with --dry-run, planned and printed), then the commands it ran listed under the
// docker command they stand for, as the README promises, before what docker itself prints.

/** Runs a change, lists what it ran (unless --quiet), and returns it. */
export async function change(ctx: DockerCliContext, commandsFor: CommandsFor): Promise<DockerChange> {
  if (ctx.dryRun) {
    const plan = dockerPlan(commandsFor, ctx.choice);
    ctx.io.out(`# nslab docker --dry-run: what ${plan.creates ? 'creating the sandbox engine and ' : ''}this command would run; nothing was run\n`);
    for (const s of plan.steps) ctx.io.out(`# ${s.title}\n${s.ops.length ? s.ops.map((o) => renderCmd(o.cmd)).join('\n') : '# (nothing to create in the kernel)'}\n`);
    return plan;
  }
  const done = await dockerDoAll(commandsFor, ctx.runner, ctx.choice, ctx.signal);
  if (ctx.json) printJson(ctx.io, done.steps.map((s) => ({ command: s.title, ran: s.ops.map((o) => renderCmd(o.cmd)) })));
  else if (!ctx.quiet) {
    // host, container: and a macvlan network create nothing: say so rather than print an empty listing.
    for (const s of done.steps) ctx.io.out(`# ${s.title}\n${s.ops.length ? s.ops.map((o) => renderCmd(o.cmd)).join('\n') : '# (nothing to create in the kernel)'}\n`);
  }
  return done;
}

/** What docker prints after the listing (an ID, a name); nothing of it under --json. */
export function say(ctx: DockerCliContext, text: string): void {
  if (!ctx.json) ctx.io.out(text);
}

/** The engine as it stands, or undefined when no command has created it yet. */
export function standing(): SandboxModel | undefined {
  return sandboxRunning() ? currentSandbox() : undefined;
}

/** Errors of the command line itself (a bad -p): the CLI's words, not the daemon's. */
export function clientSide<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof NslabError && !(err instanceof ClientError) && !(err instanceof TemplateError)) throw new ClientError(err.message, err.hint === undefined ? {} : { hint: err.hint });
    throw err;
  }
}

export type { DockerCommand };
