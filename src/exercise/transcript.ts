import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cmd } from '../exec/command.js';
import type { Cmd } from '../exec/command.js';
import type { LabEnv } from '../plan/lab.js';
import { instanceExists } from '../lifecycle/state.js';
import { labTranscript } from '../lifecycle/transcript.js';
import { exerciseStateDir } from './hints.js';
import { exerciseModel } from './session.js';
import type { Exercise } from './types.js';

const historyPath = (name: string) => join(exerciseStateDir(name), 'history');
const recordPath = (name: string) => join(exerciseStateDir(name), 'record');

/**
 * `nslab exercise shell`: bash with the learner's history written line by line to the
 * exercise's state (PROMPT_COMMAND runs `history -a` before every prompt, so a shell that
 * is killed loses nothing), every line kept (no HISTCONTROL, no size limit).
 */
export function exerciseShell(ex: Exercise, name: string): Cmd {
  return cmd('env', [
    `HISTFILE=${historyPath(name)}`,
    'HISTCONTROL=',
    'HISTSIZE=100000',
    'HISTFILESIZE=100000',
    'PROMPT_COMMAND=history -a',
    `PS1=(nslab exercise ${ex.id}) \\w# `,
    'bash',
    '--norc',
    '-i',
  ]);
}

/** What the learner typed in the exercise's shells, in order, without the `exit` that ended each. */
export function typedCommands(name: string): string[] {
  if (!existsSync(historyPath(name))) return [];
  return readFileSync(historyPath(name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^\s*(exit|logout)\s*$/.test(l));
}

/** Remembers that this exercise's session is recorded to `file` (until reset). */
export function startRecording(name: string, file: string): void {
  mkdirSync(exerciseStateDir(name), { recursive: true });
  writeFileSync(recordPath(name), file);
}

export function recordingFile(name: string): string | undefined {
  return existsSync(recordPath(name)) ? readFileSync(recordPath(name), 'utf8') : undefined;
}

/**
 * The exercise as a script: what `exercise start` prepared (the commands nslab ran), then
 * the commands the learner typed. `bash FILE` on a clean machine rebuilds their work.
 */
export function exerciseTranscript(ex: Exercise, name: string, env: LabEnv): string {
  const model = exerciseModel(ex, name, env);
  const prepared = instanceExists(name) ? model.steps.length : 0;
  const named = name === `ex${ex.id}` ? '' : ` --name ${name}`;
  const typed = typedCommands(name);
  return labTranscript({ ...model, steps: model.steps.slice(0, prepared) }, prepared, `nslab exercise start ${ex.id}${named} --record FILE`, [
    `# --- What you typed in \`nslab exercise shell ${ex.id}${named}\` ---`,
    '# As typed, mistakes too: a command that failed then fails here again, and the script goes on.',
    'set +e',
    // nslab's own commands only read and ping (check, hint): kept as comments, in their place.
    ...(typed.length ? typed.map((l) => (/^\s*(sudo\s+)?nslab\s/.test(l) ? `# ${l.trim()}` : l)) : ['# (nothing yet)']),
    '',
    `# Check it: nslab exercise check ${ex.id}${named}`,
    `# Start over: nslab exercise reset ${ex.id}${named}`,
  ]);
}
