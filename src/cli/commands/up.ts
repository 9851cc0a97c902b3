import type { Argv, CommandModule } from 'yargs';
import { InterruptedError, signalsDelivered, stopSignalOf } from '../../lab/interrupt.js';
import { labDown, labUp } from '../../lab/lifecycle.js';
import type { Action, GlobalArgs } from '../context.js';
import { printJson } from '../context.js';
import { labPositional, printDryRun, resolveLab, type LabArgs } from '../shared.js';

export function upCommand(action: Action): CommandModule<GlobalArgs, GlobalArgs & LabArgs> {
  return {
    command: 'up <lab>',
    describe: 'Build a lab and leave it running',
    builder: (y: Argv<GlobalArgs>) => labPositional(y) as Argv<GlobalArgs & LabArgs>,
    handler: action<GlobalArgs & LabArgs>({ kernel: true, interruptible: true }, async (ctx, args) => {
      const { model, env, options } = resolveLab(args);
      if (ctx.dryRun) {
        printDryRun(ctx, model, `nslab up ${args.lab}`);
        return 0;
      }
      await labUp(model, env, options, ctx.runner, { signal: ctx.signal });
      // Ctrl-C a moment after the last op was promised a teardown: keep the promise.
      await signalsDelivered();
      const sig = stopSignalOf(ctx.signal);
      if (sig) {
        await labDown(model.name, ctx.runner);
        throw new InterruptedError(sig, `lab ${model.name} was built and is now torn down`);
      }
      const nodes = Object.fromEntries(Object.entries(model.nodes).map(([k, v]) => [k, v.ns ?? null]));
      if (ctx.json) printJson(ctx.io, { lab: model.id, name: model.name, nodes });
      else {
        const first = Object.keys(model.nodes).find((n) => model.nodes[n]!.role === 'container') ?? 'host';
        ctx.io.out(
          `lab ${model.name} is up: ${Object.entries(nodes).map(([k, v]) => `${k}=${v}`).join(' ')}\n` +
            `  nslab exec ${model.name} ${first} -- ip addr\n  nslab verify ${model.name}\n  nslab down ${model.name}\n`,
        );
      }
      return 0;
    }),
  };
}
