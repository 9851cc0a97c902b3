import { NslabError } from '../errors.js';
import { localize } from '../text/i18n.js';
import type { Runner } from '../exec/runner.js';
import { defaultInstance, EXERCISES, findExercise } from '../exercise/catalog.js';
import { forgetHints, revealedHints, revealNext } from '../exercise/hints.js';
import { checkExercise, resetExercise, startExercise, visibleHints } from '../exercise/session.js';
import type { LabEnv } from '../plan/lab.js';
import { BusyError } from './lab-session.js';

// The exercises from the page: the same start, check, hint and reset as `nslab exercise`,
// on the same instance names (ex<id>), so a learner may switch between page and terminal.

export interface FindingView {
  readonly requirement: string;
  readonly pass: boolean;
  readonly detail: string;
  /** The hints revealed so far for it, one more per "Hint". */
  readonly hints: readonly string[];
  readonly hintsLeft: number;
}

export interface ExerciseView {
  readonly id: string;
  readonly title: string;
  readonly task: string;
  readonly name: string;
  readonly findings?: readonly FindingView[] | undefined;
  readonly pass?: boolean | undefined;
  readonly removed?: readonly string[] | undefined;
}

export const exerciseList = () => EXERCISES.map((e) => ({ id: e.id, title: localize(e.title) }));

export class ExerciseDesk {
  readonly #runner: Runner;
  readonly #env: () => LabEnv;
  #busy: string | undefined;

  constructor(runner: Runner, env: () => LabEnv) {
    this.#runner = runner;
    this.#env = env;
  }

  async act(id: unknown, action: unknown): Promise<ExerciseView> {
    if (typeof id !== 'string') throw new NslabError('name an exercise', { hint: `one of ${EXERCISES.map((e) => e.id).join(', ')}` });
    const ex = findExercise(id);
    const name = defaultInstance(ex);
    if (this.#busy) throw new BusyError(`exercise work is busy (${this.#busy})`, { hint: 'wait for it to finish' });
    this.#busy = `${String(action)} exercise ${ex.id}`;
    try {
      const base = { id: ex.id, title: localize(ex.title), task: localize(ex.task(name)), name };
      switch (action) {
        case 'start':
          await startExercise(ex, name, this.#env(), this.#runner);
          return base;
        case 'check':
        case 'hint': {
          const findings = await checkExercise(ex, name, this.#runner);
          if (action === 'hint') revealNext(name, findings);
          const visible = visibleHints(findings, revealedHints(name));
          const shown = findings.map((f) => {
            const v = visible.find((x) => x.finding.requirement === f.requirement);
            return { requirement: localize(f.requirement), pass: f.pass, detail: localize(f.detail), hints: (v?.hints ?? []).map(localize), hintsLeft: v?.held ?? 0 };
          });
          return { ...base, findings: shown, pass: shown.every((f) => f.pass) };
        }
        case 'reset': {
          const report = await resetExercise(name, this.#runner);
          forgetHints(name);
          if (report.errors.length) throw new NslabError(`resetting exercise ${ex.id}: ${report.errors.join('; ')}`, { hint: `run \`nslab clean ${name}\`` });
          return { ...base, removed: report.removed };
        }
        default:
          throw new NslabError(`${JSON.stringify(action)} is not something an exercise does`, { hint: 'start, check, hint or reset' });
      }
    } finally {
      this.#busy = undefined;
    }
  }
}
