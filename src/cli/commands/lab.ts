import { defaultInstanceName } from '../../plan/lab.js';
import type { Argv, CommandModule } from 'yargs';
import { NslabError } from '../../errors.js';
import { runGuided } from '../../guide/guided.js';
import { labTrace, labWhy } from '../../guide/looks.js';
import { linePrompter } from '../../guide/prompt.js';
import { preflight } from '../../kernel/preflight.js';
import { untilAborted } from '../../lifecycle/interrupt.js';
import { labAdvance, labRewind, labRewindPlan, labUp, rebuiltWhy, recordedModel } from '../../lifecycle/lifecycle.js';
import { renderCommands } from '../../plan/render-shell.js';
import { planOps } from '../../plan/plan.js';
import { allLabs, findLab } from '../../plan/catalogue.js';
import { instanceExists, staleClaim } from '../../lifecycle/state.js';
import { chooseStep, stepListing } from '../../plan/steps.js';
import { table } from '../../text/table.js';
import { localize, tr } from '../../text/i18n.js';
import type { Action, Context, GlobalArgs } from '../../program/context.js';
import { printJson } from '../../program/context.js';
import { labPositional, printDryRun, recordOption, resolveLab, topologyPicture, verifyModel, writeRecord, type LabArgs } from '../shared.js';

type Args = GlobalArgs & LabArgs & { yes: boolean; steps: boolean; from?: number | undefined; rewind?: number | undefined };

function list(ctx: Context): number {
  const labs = [...allLabs()].sort((a, b) => (a.number ?? Infinity) - (b.number ?? Infinity)).map((l) => ({ number: l.number ?? null, id: l.id, title: l.title, summary: l.summary }));
  if (ctx.json) printJson(ctx.io, { labs });
  else ctx.io.out(`${table(['#', 'id', tr`summary`], labs.map((l) => [l.number === null ? '' : String(l.number), l.id, localize(l.summary)]))}\n\n${tr`Start one with \`nslab lab <id or #>\`.`}\n`);
  return 0;
}

function listSteps(ctx: Context, args: Args): number {
  const { model } = resolveLab(args);
  const steps = stepListing(model.steps);
  if (ctx.json) printJson(ctx.io, { lab: model.id, steps });
  else {
    ctx.io.out(`${localize(model.title)}\n\n${table(['#', tr`step`, 'docker'], steps.map((s) => [String(s.step), localize(s.title), s.docker.map(localize).join('; ')]))}\n\n`);
    ctx.io.out(`${tr`Stop at one with \`nslab up ${model.id} --step N\` (or --until <words>); guide from one with \`nslab lab ${model.id} --from N\`.`}\n`);
  }
  return 0;
}

/** `--rewind N`: the positional names a running lab instance (by default its lab id). */
async function rewind(ctx: Context, args: Args, to: number): Promise<number> {
  const name = args.name ?? defaultInstanceName(args.lab);
  if (!instanceExists(name)) {
    throw new NslabError(`lab ${name} is not up: there is nothing to rewind`, { hint: 'see `nslab ls`; bring a lab up part-way with `nslab up <lab> --step N`' });
  }
  if (ctx.dryRun) {
    const plan = labRewindPlan(name, to);
    if ('undo' in plan) ctx.io.out(renderCommands(`nslab lab ${name} --rewind ${to} --dry-run: the undos of what the journal holds after step ${to}, newest first; nothing was run`, plan.undo));
    else {
      const { model } = recordedModel(name);
      ctx.io.out(renderCommands(`nslab lab ${name} --rewind ${to} --dry-run: ${rebuiltWhy({ by: plan.rebuild.by, ops: 0 }, model)}, so the rewind takes the lab down and builds steps 1 to ${to} again; nothing was run`, [...plan.rebuild.down, ...planOps(plan.rebuild.up).map((o) => o.cmd)]));
    }
    return 0;
  }
  preflight();
  const r = await labRewind(name, to, ctx.runner);
  const { model } = recordedModel(name);
  if (ctx.json) printJson(ctx.io, { name, ...r, steps: model.steps.length });
  else {
    const how = r.rebuilt
      ? `${rebuiltWhy(r.rebuilt, model)}, so it was taken down and built again through step ${r.to} (${r.rebuilt.ops} operations)`
      : `${r.undone} operations undone`;
    ctx.io.out(`lab ${name} rewound from step ${r.from} to step ${r.to} of ${model.steps.length} (${model.steps[to - 1]!.title}): ${how}\n  nslab verify ${name}\n`);
  }
  return 0;
}

export function labCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) =>
      recordOption(labPositional(y))
        .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'do not wait for Enter between steps' })
        .option('steps', { type: 'boolean', default: false, describe: "list the lab's steps, numbered" })
        .option('from', { type: 'number', describe: 'build steps before N without pausing (or carry on a lab stopped there), then guide from step N' })
        .option('rewind', { type: 'number', describe: 'take the running lab back to how it stood after step N' }) as unknown as Argv<Args>,
    // Preflight is the handler's call: `lab list`, --steps and --dry-run need no root.
    handler: action<Args>({ kernel: false, interruptible: true }, async (ctx, args) => {
      if (args.lab === 'list') return list(ctx);
      if (args.rewind !== undefined) return rewind(ctx, args, args.rewind);
      if (args.steps) return listSteps(ctx, args);
      const def = findLab(args.lab);
      const { model, env, options } = resolveLab(args);
      const from = args.from === undefined ? 0 : chooseStep(model, { step: args.from }, '--from') - 1;
      if (ctx.dryRun) {
        printDryRun(ctx, model, `nslab lab ${def.id}`);
        return 0;
      }
      preflight();
      // A lab standing part-way is carried on from where it is (rewound first if it is ahead).
      let built = 0;
      // A claim left by a crash is not a lab to carry on: labUp recovers it.
      if (instanceExists(model.name) && staleClaim(model.name) === undefined) {
        const { manifest, model: recorded } = recordedModel(model.name);
        if (args.from === undefined || manifest.id !== def.id) {
          throw new NslabError(`lab ${model.name} is already up`, {
            hint: manifest.id === def.id ? `carry it on with --from N (it stands at step ${manifest.step ?? recorded.steps.length}), or \`nslab down ${model.name}\` first` : `run \`nslab down ${model.name}\` first, or pick another name with --name`,
          });
        }
        const at = manifest.step ?? recorded.steps.length;
        if (at > from) await labRewind(model.name, from, ctx.runner);
        else if (at < from) await labAdvance(model.name, from, ctx.runner, { signal: ctx.signal });
        built = from;
      }
      const input = ctx.io.input;
      const interactive = !args.yes && !ctx.json && input?.isTTY === true;
      const prompter = interactive ? linePrompter(input, ctx.io.out) : undefined;
      // Ctrl-C while waiting at a prompt or for a check ends the wait; the build then rolls back.
      const result = await runGuided(def, model, {
        runner: ctx.runner,
        out: ctx.json ? undefined : ctx.io.out,
        prompter: prompter && { ask: (q) => untilAborted(prompter.ask(q), ctx.signal), close: () => prompter.close() },
        up: (hooks) =>
          built > 0
            ? labAdvance(model.name, model.steps.length, ctx.runner, { ...hooks, signal: ctx.signal }).then(() => undefined)
            : labUp(model, env, options, ctx.runner, { ...hooks, signal: ctx.signal }),
        verify: (expectations) => untilAborted(verifyModel(ctx, model, expectations), ctx.signal),
        picture: () => topologyPicture(ctx, model),
        trace: model.trace && (() => labTrace(ctx.runner, model.name, model.trace!)),
        why: (d) => labWhy(ctx.runner, model.name, d),
        from,
        built,
        quitRemoves: built > 0 ? `the steps this session applied are undone; the lab stands at step ${built} again` : undefined,
      });
      if (!result.quit) writeRecord(ctx, args.record, model.name, `nslab lab ${def.id}${args.name ? ` --name ${model.name}` : ''} --record ${args.record}`);
      if (ctx.json) printJson(ctx.io, { lab: model.id, name: model.name, up: !result.quit, ...result });
      return result.pass ? 0 : 1;
    }),
  };
}
