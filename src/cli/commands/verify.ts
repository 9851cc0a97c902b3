import type { Argv, CommandModule } from 'yargs';
import { NslabError } from '../../errors.js';
import { runningModel } from '../../lifecycle/lifecycle.js';
import { chooseStep, modelThrough } from '../../plan/steps.js';
import { modelBuiltOutside } from '../../lifecycle/outside.js';
import type { LabModel } from '../../plan/lab.js';
import type { Action, Context, GlobalArgs } from '../../program/context.js';
import { printJson } from '../../program/context.js';
import { outcomeExit, printOutcomes, verifyModel } from '../shared.js';

type Args = GlobalArgs & { name: string; lab?: string | undefined; step?: number | undefined };

/** A lab built by a script: all of it, or (a transcript recorded part-way) through --step. */
async function outside(name: string, lab: string, step: number | undefined, ctx: Context): Promise<LabModel> {
  const whole = await modelBuiltOutside(name, lab, ctx.runner);
  return step === undefined ? whole : modelThrough(whole, chooseStep(whole, { step }));
}

export function verifyCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) =>
      y
        .positional('name', { type: 'string', demandOption: true, describe: 'lab instance name' })
        .option('lab', { type: 'string', describe: 'lab id, for a lab built outside nslab (its --dry-run script); remove it with `nslab clean <name>`' })
        .option('step', { type: 'number', describe: 'with --lab: the lab was built through step N only (a recorded transcript says which)' }) as Argv<Args>,
    handler: action<Args>({ kernel: true, readsOnly: 'sends packets to check a running lab' }, async (ctx, args) => {
      if (args.step !== undefined && args.lab === undefined) throw new NslabError('--step goes with --lab', { hint: 'a lab nslab brought up knows its own step: `nslab verify <name>`' });
      const running = args.lab === undefined ? runningModel(args.name) : undefined;
      const model = running?.model ?? (await outside(args.name, args.lab!, args.step, ctx));
      const step = running?.manifest.step ?? args.step;
      const outcomes = await verifyModel(ctx, model);
      if (ctx.json) printJson(ctx.io, { lab: model.id, name: model.name, ...(step === undefined ? {} : { step }), pass: outcomeExit(outcomes) === 0, outcomes });
      else printOutcomes(ctx, model, outcomes, step);
      return outcomeExit(outcomes);
    }),
  };
}
