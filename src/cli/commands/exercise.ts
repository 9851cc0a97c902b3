import type { Argv, CommandModule } from 'yargs';
import { NslabError } from '../../errors.js';
import { defaultInstance, EXERCISES, findExercise } from '../../exercise/catalog.js';
import { checkExercise, exerciseModel, renderFindings, resetExercise, startExercise } from '../../exercise/session.js';
import { printDryRun } from '../shared.js';
import { detectEnv } from '../../lab/lifecycle.js';
import { validateLabName } from '../../model/names.js';
import { table } from '../../verify/report.js';
import type { Action, GlobalArgs } from '../context.js';
import { printJson } from '../context.js';

type Args = GlobalArgs & { action: 'list' | 'start' | 'check' | 'reset'; id?: string; name?: string };

export function exerciseCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    command: 'exercise <action> [id]',
    describe: 'Build it yourself, nslab checks: list | start <id> | check <id> | reset <id>',
    builder: (y: Argv<GlobalArgs>) =>
      y
        .positional('action', { choices: ['list', 'start', 'check', 'reset'] as const, demandOption: true })
        .positional('id', { type: 'string', describe: 'exercise number or slug (see `nslab exercise list`)' })
        .option('name', { type: 'string', describe: 'instance name: namespaces are nslab-<name>-<node> (default ex<id>)' }) as Argv<Args>,
    handler: action<Args>({ kernel: true }, async (ctx, args) => {
      if (args.action === 'list') {
        const rows = EXERCISES.map((e) => ({ id: e.id, slug: e.slug, title: e.title, namespaces: `nslab-${defaultInstance(e)}-*` }));
        if (ctx.json) printJson(ctx.io, rows);
        else ctx.io.out(`${table(['id', 'slug', 'exercise', 'namespaces'], rows.map((r) => [r.id, r.slug, r.title, r.namespaces]))}\n`);
        return 0;
      }
      if (args.id === undefined) throw new NslabError(`exercise ${args.action} needs an exercise id`, { hint: 'e.g. `nslab exercise start 1`; see `nslab exercise list`' });
      const ex = findExercise(args.id);
      const name = validateLabName(args.name ?? defaultInstance(ex));
      switch (args.action) {
        case 'start': {
          if (ctx.dryRun) {
            printDryRun(ctx, exerciseModel(ex, name, detectEnv()), `nslab exercise start ${ex.id}`);
            return 0;
          }
          await startExercise(ex, name, detectEnv(), ctx.runner);
          if (ctx.json) printJson(ctx.io, { id: ex.id, name, task: ex.task(name) });
          else ctx.io.out(`Exercise ${ex.id}: ${ex.title}\n\n${ex.task(name)}\n\nCheck your work with \`nslab exercise check ${ex.id}${args.name ? ` --name ${name}` : ''}\`; start over with \`nslab exercise reset ${ex.id}\`.\n`);
          return 0;
        }
        case 'check': {
          if (ctx.dryRun) throw new NslabError('exercise check sends real packets and cannot run in dry-run mode');
          const findings = await checkExercise(ex, name, ctx.runner);
          const pass = findings.every((f) => f.pass);
          if (ctx.json) printJson(ctx.io, { id: ex.id, name, pass, findings });
          else ctx.io.out(`Exercise ${ex.id}: ${ex.title}\n\n${renderFindings(findings)}`);
          return pass ? 0 : 1;
        }
        case 'reset': {
          // What it removes is whatever exists, which a dry run cannot see.
          if (ctx.dryRun) throw new NslabError('exercise reset removes what exists and cannot run in dry-run mode', { hint: `see \`ip netns list | grep nslab-${name}-\`` });
          const report = await resetExercise(name, ctx.runner);
          if (ctx.json) printJson(ctx.io, report);
          else ctx.io.out(`removed: ${report.removed.join(', ') || 'nothing (no namespace was left)'}\n`);
          return report.errors.length === 0 ? 0 : 1;
        }
      }
    }),
  };
}
