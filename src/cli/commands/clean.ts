import type { Argv, CommandModule } from 'yargs';
import { validateLabName } from '../../model/names.js';
import { cleanAll } from '../../lifecycle/clean.js';
import { RecordingRunner } from '../../exec/recording-runner.js';
import { renderCommands } from '../../plan/render-shell.js';
import type { Action, GlobalArgs } from '../../program/context.js';
import { printJson } from '../../program/context.js';

type Args = GlobalArgs & { name?: string };

export function cleanCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) => y.positional('name', { type: 'string', describe: 'only this lab instance' }) as Argv<Args>,
    handler: action<Args>({ kernel: true }, async (ctx, args) => {
      const report = await cleanAll(ctx.runner, args.name === undefined ? undefined : validateLabName(args.name));
      if (ctx.dryRun && ctx.runner instanceof RecordingRunner) {
        // A dry run reads no live state, so it shows what the journals of recorded labs undo.
        const lines = ctx.runner.lines();
        if (ctx.json) printJson(ctx.io, { labs: report.labs, commands: lines });
        else ctx.io.out(renderCommands(`nslab clean --dry-run: the teardown recorded labs' journals call for (${report.labs.join(', ') || 'no recorded labs'}), and what clean reads first; nothing was run`, ctx.runner.commands));
        return 0;
      }
      if (ctx.json) printJson(ctx.io, report);
      else {
        ctx.io.out(`removed labs: ${report.labs.join(', ') || 'none'}\nremoved leftover namespaces: ${report.namespaces.join(', ') || 'none'}\n`);
        if (report.root.length) ctx.io.out(`removed from the root namespace: ${report.root.join('; ')}\n`);
        for (const e of report.errors) ctx.io.err(`nslab: clean: ${e}\n`);
      }
      return report.errors.length === 0 ? 0 : 1;
    }),
  };
}
