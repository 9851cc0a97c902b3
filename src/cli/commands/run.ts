import { localize, tr } from '../../text/i18n.js';
import type { Argv, CommandModule } from 'yargs';
import { labRun } from '../../lifecycle/lifecycle.js';
import type { Action, GlobalArgs } from '../../program/context.js';
import { printJson } from '../../program/context.js';
import { labPositional, outcomeExit, printDryRun, printOutcomes, resolveLab, topologyPicture, type LabArgs } from '../shared.js';

export function runCommand(action: Action): CommandModule<GlobalArgs, GlobalArgs & LabArgs> {
  return {
    builder: (y: Argv<GlobalArgs>) => labPositional(y) as Argv<GlobalArgs & LabArgs>,
    handler: action<GlobalArgs & LabArgs>({ kernel: true, interruptible: true }, async (ctx, args) => {
      const { model, env, options } = resolveLab(args);
      if (ctx.dryRun) {
        printDryRun(ctx, model, `nslab run ${args.lab}`);
        return 0;
      }
      const { outcomes, picture, seconds } = await labRun(model, env, options, ctx.runner, { signal: ctx.signal, look: () => topologyPicture(ctx, model) });
      if (ctx.json) {
        printJson(ctx.io, { lab: model.id, name: model.name, pass: outcomeExit(outcomes) === 0, outcomes, seconds });
      } else {
        ctx.io.out(`${tr`${localize(model.title)}: built ${model.steps.length} steps, verified, torn down in ${seconds.toFixed(2)} s`}\n\n${picture}`);
        printOutcomes(ctx, model, outcomes);
      }
      return outcomeExit(outcomes);
    }),
  };
}
