import type { Argv, CommandModule } from 'yargs';
import { MESH_DEFAULT_CONTAINERS } from '../../model/lab-options.js';
import { runDoctor } from '../../doctor/doctor.js';
import { NslabError } from '../../errors.js';
import { table } from '../../text/table.js';
import type { Action, GlobalArgs } from '../../program/context.js';
import { noDryRun, printJson, runnerFor } from '../../program/context.js';
import { renderCommands } from '../../plan/render-shell.js';

type Args = GlobalArgs & { containers: number; fix: boolean };

export function doctorCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) =>
      y
        .option('containers', { type: 'number', default: MESH_DEFAULT_CONTAINERS, describe: 'lab size to check the neighbour table against' })
        .option('fix', { type: 'boolean', default: false, describe: 'raise net.ipv4.neigh.default.gc_thresh2/3 if too low (root namespace sysctls)' }) as Argv<Args>,
    handler: action<Args>({ kernel: false }, async (ctx, args) => {
      if (ctx.dryRun && !args.fix) throw noDryRun('doctor', 'reads the machine (--fix is what changes it)');
      if (!Number.isInteger(args.containers) || args.containers < 1) throw new NslabError(`--containers must be a positive whole number`, { hint: 'e.g. `nslab doctor --containers 50`' });
      if (ctx.dryRun) {
        // It reads the machine as it is, and prints what --fix would write.
        const plan = await runDoctor(runnerFor(ctx.io)(false, ctx.verbose), { containers: args.containers, fix: true, plan: true });
        ctx.io.out(renderCommands(`nslab doctor --containers ${args.containers} --fix --dry-run: ${plan.wouldRun?.length ? 'the sysctls --fix would raise' : 'the neighbour table limits are high enough: --fix would change nothing'}; nothing was run`, plan.wouldRun ?? []));
        return 0;
      }
      const report = await runDoctor(ctx.runner, { containers: args.containers, fix: args.fix });
      const failed = report.checks.filter((c) => c.status === 'fail');
      if (ctx.json) printJson(ctx.io, { ok: failed.length === 0, ...report });
      else {
        const rows = report.checks.map((c) => [c.status === 'ok' ? 'ok' : c.status.toUpperCase(), c.name, c.detail]);
        ctx.io.out(`${table(['', 'check', 'detail'], rows)}\n`);
        for (const line of report.changed) ctx.io.out(`changed ${line}\n`);
        const fixable = failed.concat(report.checks.filter((c) => c.status === 'warn')).some((c) => c.fixable);
        if (fixable && !args.fix) ctx.io.out(`\nrun \`nslab doctor --containers ${args.containers} --fix\` to raise the neighbour table limits\n`);
        ctx.io.out(failed.length === 0 ? '\nready\n' : `\n${failed.length} check(s) failed\n`);
      }
      return failed.length === 0 ? 0 : 1;
    }),
  };
}
