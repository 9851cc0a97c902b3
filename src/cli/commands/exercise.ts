import { localize, tr } from '../../text/i18n.js';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { NslabError } from '../../errors.js';
import { defaultInstance, EXERCISES, findExercise } from '../../exercise/catalog.js';
import { forgetHints, revealedHints, revealNext } from '../../exercise/hints.js';
import { checkExercise, exerciseModel, renderFindings, resetExercise, startExercise, visibleHints } from '../../exercise/session.js';
import { exerciseShell, exerciseTranscript, recordingFile, startRecording } from '../../exercise/transcript.js';
import type { Exercise } from '../../exercise/types.js';
import { detectEnv } from '../../plan/build.js';
import { validateLabName } from '../../model/names.js';
import { table } from '../../text/table.js';
import type { Action, Context, GlobalArgs } from '../../program/context.js';
import { noDryRun, printJson } from '../../program/context.js';
import { namespaceNames } from '../../kernel/netns-fs.js';
import { renderCommands } from '../../plan/render-shell.js';
import { cmd } from '../../exec/command.js';
import { printDryRun } from '../shared.js';

const ACTIONS = ['list', 'start', 'check', 'hint', 'shell', 'reset'] as const;
type Args = GlobalArgs & { action: (typeof ACTIONS)[number]; id?: string; name?: string; record?: string; allHints: boolean };

/** Rewrites the transcript, when this exercise is being recorded. */
function writeTranscript(ctx: Context, ex: Exercise, name: string): void {
  const file = recordingFile(name);
  if (file === undefined) return;
  writeFileSync(file, exerciseTranscript(ex, name, detectEnv()), { mode: 0o755 });
  ctx.io.err(`recorded to ${file}: replay it with \`sudo bash ${file}\`\n`);
}

export function exerciseCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) =>
      y
        .positional('action', { choices: ACTIONS, demandOption: true })
        .positional('id', { type: 'string', describe: 'exercise number or slug (see `nslab exercise list`)' })
        .option('name', { type: 'string', describe: 'instance name: namespaces are nslab-<name>-<node> (default ex<id>)' })
        .option('record', { type: 'string', describe: 'start, shell: keep a transcript in FILE, a script of what was prepared and what you typed' })
        .option('all-hints', { type: 'boolean', default: false, describe: 'check: show every hint at once, not only those `hint` revealed' }) as unknown as Argv<Args>,
    handler: action<Args>({ kernel: true }, async (ctx, args) => {
      if (args.action === 'list') {
        if (ctx.dryRun) throw noDryRun('exercise list', 'lists the exercises');
        const rows = EXERCISES.map((e) => ({ id: e.id, slug: e.slug, title: e.title, namespaces: `nslab-${defaultInstance(e)}-*` }));
        if (ctx.json) printJson(ctx.io, rows);
        else ctx.io.out(`${table(['id', 'slug', 'exercise', 'namespaces'], rows.map((r) => [r.id, r.slug, r.title, r.namespaces]))}\n`);
        return 0;
      }
      if (args.id === undefined) throw new NslabError(`exercise ${args.action} needs an exercise id`, { hint: 'e.g. `nslab exercise start 1`; see `nslab exercise list`' });
      const ex = findExercise(args.id);
      const name = validateLabName(args.name ?? defaultInstance(ex));
      const named = args.name ? ` --name ${name}` : '';
      if (args.record !== undefined && args.action !== 'start' && args.action !== 'shell') throw new NslabError(`--record goes with exercise start or shell, not ${args.action}`, { hint: `\`nslab exercise start ${ex.id} --record FILE\`` });
      switch (args.action) {
        case 'start': {
          if (ctx.dryRun) {
            printDryRun(ctx, exerciseModel(ex, name, detectEnv()), `nslab exercise start ${ex.id}`);
            return 0;
          }
          await startExercise(ex, name, detectEnv(), ctx.runner);
          if (args.record !== undefined) {
            startRecording(name, resolve(args.record));
            writeTranscript(ctx, ex, name);
          }
          if (ctx.json) printJson(ctx.io, { id: ex.id, name, task: ex.task(name) });
          else
            ctx.io.out(
              `${tr`Exercise ${ex.id}: ${localize(ex.title)}`}\n\n${localize(ex.task(name))}\n\n` +
                `${args.record ? tr`Work in \`nslab exercise shell ${ex.id}${named}\` (your commands are kept in ${args.record}), or any root shell.` : tr`Work in \`nslab exercise shell ${ex.id}${named}\` (your commands are kept), or any root shell.`}\n` +
                `${tr`Check your work with \`nslab exercise check ${ex.id}${named}\`; a hint at a time with \`nslab exercise hint ${ex.id}${named}\`; start over with \`nslab exercise reset ${ex.id}${named}\`.`}\n`,
            );
          return 0;
        }
        case 'shell': {
          if (ctx.dryRun) throw noDryRun('exercise shell', 'opens a shell');
          if (args.record !== undefined) startRecording(name, resolve(args.record));
          ctx.io.err(`${tr`Exercise ${ex.id}: ${localize(ex.title)}. Your commands are recorded; \`exit\` (or Ctrl-D) ends the shell.`}\n`);
          const code = await ctx.runner.attach(exerciseShell(ex, name));
          writeTranscript(ctx, ex, name);
          return code;
        }
        case 'check': {
          if (ctx.dryRun) throw noDryRun('exercise check', 'checks your work by packets');
          const findings = await checkExercise(ex, name, ctx.runner);
          const pass = findings.every((f) => f.pass);
          const revealed = args.allHints ? 'all' : revealedHints(name);
          if (ctx.json) {
            const visible = visibleHints(findings, revealed);
            const shown = findings.map(({ hint: _hint, ...f }) => {
              const v = visible.find((x) => x.finding.requirement === f.requirement);
              return { ...f, hints: v?.hints ?? [], hintsLeft: v?.held ?? 0 };
            });
            printJson(ctx.io, { id: ex.id, name, pass, findings: shown });
          } else ctx.io.out(`${tr`Exercise ${ex.id}: ${localize(ex.title)}`}\n\n${renderFindings(findings, revealed, `nslab exercise hint ${ex.id}${named}`)}`);
          return pass ? 0 : 1;
        }
        case 'hint': {
          if (ctx.dryRun) throw noDryRun('exercise hint', 'checks your work by packets');
          const findings = await checkExercise(ex, name, ctx.runner);
          const next = revealNext(name, findings);
          if (ctx.json) printJson(ctx.io, { id: ex.id, name, pass: next === undefined, ...(next ?? {}) });
          else if (next === undefined) ctx.io.out(`${tr`Every requirement of exercise ${ex.id} is met: no hint needed.`}\n`);
          else {
            const n = next.shown.length;
            const left = next.left === 0 ? tr`that is every hint for it` : tr`${next.left} more for it`;
            const elsewhere = next.elsewhere > 0 ? tr`; ${next.elsewhere} for the other unmet requirements` : '';
            ctx.io.out(`${tr`Hint ${n} for "${localize(next.requirement)}":`}\n  ${localize(next.shown[n - 1]!)}\n\n(${tr`${left}${elsewhere}: \`nslab exercise hint ${ex.id}${named}\` again`})\n`);
          }
          return 0;
        }
        case 'reset': {
          if (ctx.dryRun) {
            // What it removes is whatever of the exercise's exists now, which is read as it stands.
            const doomed = namespaceNames().filter((n) => n.startsWith(`nslab-${name}-`));
            ctx.io.out(renderCommands(`nslab exercise reset ${ex.id}${named} --dry-run: the exercise's namespaces as they stand, deleted; nothing was run`, doomed.map((n) => cmd('ip', ['netns', 'del', n]))));
            return 0;
          }
          const report = await resetExercise(name, ctx.runner);
          forgetHints(name);
          if (ctx.json) printJson(ctx.io, report);
          else ctx.io.out(`${report.removed.length ? tr`removed: ${report.removed.join(', ')}; hints and history forgotten` : tr`removed: nothing (no namespace was left); hints and history forgotten`}\n`);
          return report.errors.length === 0 ? 0 : 1;
        }
      }
    }),
  };
}
