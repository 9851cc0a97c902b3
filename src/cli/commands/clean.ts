import type { CommandModule } from 'yargs';
import { cleanAll } from '../../lab/clean.js';
import type { Action, GlobalArgs } from '../context.js';
import { printJson } from '../context.js';

export function cleanCommand(action: Action): CommandModule<GlobalArgs, GlobalArgs> {
  return {
    command: 'clean',
    describe: 'Remove every lab and every leftover nslab- namespace, even without a journal',
    handler: action<GlobalArgs>({ kernel: true }, async (ctx) => {
      const report = await cleanAll(ctx.runner);
      if (ctx.json) printJson(ctx.io, report);
      else {
        ctx.io.out(`removed labs: ${report.labs.join(', ') || 'none'}\nremoved leftover namespaces: ${report.namespaces.join(', ') || 'none'}\n`);
        for (const e of report.errors) ctx.io.err(`nslab: clean: ${e}\n`);
      }
      return report.errors.length === 0 ? 0 : 1;
    }),
  };
}
