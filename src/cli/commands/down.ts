import type { Argv, CommandModule } from 'yargs';
import { labDown } from '../../lifecycle/lifecycle.js';
import type { Action, GlobalArgs } from '../context.js';
import { printJson } from '../context.js';

type Args = GlobalArgs & { name: string };

export function downCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) => y.positional('name', { type: 'string', demandOption: true, describe: 'lab instance name' }) as Argv<Args>,
    handler: action<Args>({ kernel: true }, async (ctx, args) => {
      await labDown(args.name, ctx.runner);
      if (ctx.json) printJson(ctx.io, { name: args.name, down: true });
      else ctx.io.out(`lab ${args.name} is down\n`);
      return 0;
    }),
  };
}
