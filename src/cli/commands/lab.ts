import type { Argv, CommandModule } from 'yargs';
import { runGuided } from '../../guide/guided.js';
import { linePrompter } from '../../guide/prompt.js';
import { preflight } from '../../kernel/preflight.js';
import { untilAborted } from '../../lab/interrupt.js';
import { labUp } from '../../lab/lifecycle.js';
import { assertNotUp } from '../../lab/state.js';
import { allLabs, findLab } from '../../lab/registry.js';
import { table } from '../../verify/report.js';
import type { Action, Context, GlobalArgs } from '../context.js';
import { printJson } from '../context.js';
import { labPositional, printDryRun, resolveLab, topologyPicture, verifyModel, type LabArgs } from '../shared.js';

type Args = GlobalArgs & LabArgs & { yes: boolean };

function list(ctx: Context): number {
  const labs = [...allLabs()].sort((a, b) => (a.number ?? Infinity) - (b.number ?? Infinity)).map((l) => ({ number: l.number ?? null, id: l.id, title: l.title, summary: l.summary }));
  if (ctx.json) printJson(ctx.io, { labs });
  else ctx.io.out(`${table(['#', 'id', 'summary'], labs.map((l) => [l.number === null ? '' : String(l.number), l.id, l.summary]))}\n\nStart one with \`nslab lab <id or #>\`.\n`);
  return 0;
}

export function labCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    command: 'lab <lab>',
    describe: 'Walk through a lab step by step (`nslab lab list` lists them; `nslab lab 3` works too)',
    builder: (y: Argv<GlobalArgs>) =>
      labPositional(y).option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'do not wait for Enter between steps' }) as unknown as Argv<Args>,
    // Preflight is the handler's call: `lab list` and --dry-run need no root.
    handler: action<Args>({ kernel: false, interruptible: true }, async (ctx, args) => {
      if (args.lab === 'list') return list(ctx);
      const def = findLab(args.lab);
      const { model, env, options } = resolveLab(args);
      if (ctx.dryRun) {
        printDryRun(ctx, model, `nslab lab ${def.id}`);
        return 0;
      }
      preflight();
      // Before the first prompt, not after the learner has read step 1.
      assertNotUp(model.name);
      const input = ctx.io.input;
      const interactive = !args.yes && !ctx.json && input?.isTTY === true;
      const prompter = interactive ? linePrompter(input, ctx.io.out) : undefined;
      // Ctrl-C while waiting at a prompt or for a check ends the wait; labUp then tears down.
      const result = await runGuided(def, model, {
        runner: ctx.runner,
        out: ctx.json ? undefined : ctx.io.out,
        prompter: prompter && { ask: (q) => untilAborted(prompter.ask(q), ctx.signal), close: () => prompter.close() },
        up: (hooks) => labUp(model, env, options, ctx.runner, { ...hooks, signal: ctx.signal }),
        verify: (expectations) => untilAborted(verifyModel(ctx, model, expectations), ctx.signal),
        picture: () => topologyPicture(ctx, model),
      });
      if (ctx.json) printJson(ctx.io, { lab: model.id, name: model.name, up: !result.quit, ...result });
      return result.pass ? 0 : 1;
    }),
  };
}
