import type { Argv, CommandModule } from 'yargs';
import { labUpToStay } from '../../lifecycle/lifecycle.js';
import { chooseStep } from '../../plan/steps.js';
import type { Action, GlobalArgs } from '../../program/context.js';
import { printJson } from '../../program/context.js';
import { labPositional, printDryRun, recordOption, resolveLab, stepOptions, writeRecord, type LabArgs, type StepArgs } from '../shared.js';

type Args = GlobalArgs & LabArgs & StepArgs;

export function upCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) => recordOption(stepOptions(labPositional(y))) as unknown as Argv<Args>,
    handler: action<Args>({ kernel: true, interruptible: true }, async (ctx, args) => {
      const { model, env, options } = resolveLab(args);
      const total = model.steps.length;
      const through = args.step === undefined && args.until === undefined ? total : chooseStep(model, args);
      if (ctx.dryRun) {
        printDryRun(ctx, { ...model, steps: model.steps.slice(0, through) }, `nslab up ${args.lab}${through < total ? ` --step ${through}` : ''}`);
        return 0;
      }
      await labUpToStay(model, env, options, ctx.runner, { signal: ctx.signal, through });
      writeRecord(ctx, args.record, model.name, `nslab up ${args.lab}${args.name ? ` --name ${model.name}` : ''}${through < total ? ` --step ${through}` : ''} --record ${args.record}`);
      const nodes = Object.fromEntries(Object.entries(model.nodes).map(([k, v]) => [k, v.ns ?? null]));
      if (ctx.json) printJson(ctx.io, { lab: model.id, name: model.name, step: through, steps: total, nodes });
      else {
        const first = Object.keys(model.nodes).find((n) => model.nodes[n]!.role === 'container') ?? 'host';
        const stopped = through < total ? ` at step ${through} of ${total} (${model.steps[through - 1]!.title})` : '';
        const next =
          through < total
            ? `  nslab lab ${model.id}${model.name === model.id ? '' : ` --name ${model.name}`} --from ${through + 1}   # go on, step by step\n`
            : '';
        ctx.io.out(
          `lab ${model.name} is up${stopped}: ${Object.entries(nodes).map(([k, v]) => `${k}=${v}`).join(' ')}\n` +
            `  nslab exec ${model.name} ${first} -- ip addr\n  nslab verify ${model.name}\n${next}  nslab down ${model.name}\n`,
        );
      }
      return 0;
    }),
  };
}
