import type { Argv, CommandModule } from 'yargs';
import { labDown, labDownPlan } from '../../lifecycle/lifecycle.js';
import { renderCmd } from '../../exec/command.js';
import { renderCommands } from '../../plan/render-shell.js';
import type { Action, GlobalArgs } from '../../program/context.js';
import { printJson } from '../../program/context.js';

type Args = GlobalArgs & { name: string };

export function downCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) => y.positional('name', { type: 'string', demandOption: true, describe: 'lab instance name' }) as Argv<Args>,
    handler: action<Args>({ kernel: true }, async (ctx, args) => {
      if (ctx.dryRun) {
        const cmds = labDownPlan(args.name);
        if (ctx.json) printJson(ctx.io, { name: args.name, commands: cmds.map(renderCmd) });
        else ctx.io.out(renderCommands(`nslab down ${args.name} --dry-run: what down would undo, from the lab's journal, newest first; nothing was run`, cmds));
        return 0;
      }
      await labDown(args.name, ctx.runner);
      if (ctx.json) printJson(ctx.io, { name: args.name, down: true });
      else ctx.io.out(`lab ${args.name} is down\n`);
      return 0;
    }),
  };
}
