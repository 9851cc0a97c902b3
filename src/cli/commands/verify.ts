import type { Argv, CommandModule } from 'yargs';
import { runningModel } from '../../lab/lifecycle.js';
import { modelBuiltOutside } from '../../lab/outside.js';
import type { Action, GlobalArgs } from '../context.js';
import { printJson } from '../context.js';
import { outcomeExit, printOutcomes, verifyModel } from '../shared.js';

type Args = GlobalArgs & { name: string; lab?: string | undefined };

export function verifyCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    command: 'verify <name>',
    describe: "Re-check a running lab's expectations by sending packets",
    builder: (y: Argv<GlobalArgs>) =>
      y
        .positional('name', { type: 'string', demandOption: true, describe: 'lab instance name' })
        .option('lab', { type: 'string', describe: 'lab id, for a lab built outside nslab (its --dry-run script); remove it with `nslab clean <name>`' }) as Argv<Args>,
    handler: action<Args>({ kernel: true }, async (ctx, args) => {
      const model = args.lab === undefined ? runningModel(args.name).model : await modelBuiltOutside(args.name, args.lab, ctx.runner);
      const outcomes = await verifyModel(ctx, model);
      if (ctx.json) printJson(ctx.io, { lab: model.id, name: model.name, pass: outcomeExit(outcomes) === 0, outcomes });
      else printOutcomes(ctx, model, outcomes);
      return outcomeExit(outcomes);
    }),
  };
}
