import type { Runner } from '../exec/runner.js';
import type { LabDefinition, LabModel } from '../lab/definition.js';
import type { UpHooks } from '../lab/lifecycle.js';
import type { Expectation, Outcome } from '../verify/expectation.js';
import { renderOutcomes } from '../verify/report.js';
import type { Prompter } from './prompt.js';
import { renderExplore, renderIntro, renderShown, renderStep } from './render.js';

/** Everything guided mode touches, injected so it runs against fakes in unit tests. */
export interface GuideDeps {
  readonly runner: Runner;
  /** Text for the learner; undefined for --json (only the result is printed). */
  readonly out: ((text: string) => void) | undefined;
  /** Asks before each step; undefined runs straight through (--yes, no terminal). */
  readonly prompter: Prompter | undefined;
  /** Brings the lab up, calling afterStep after each step (labUp, bound to the lab). */
  readonly up: (hooks: UpHooks) => Promise<void>;
  readonly verify: (expectations: readonly Expectation[]) => Promise<Outcome[]>;
  readonly picture: () => Promise<string>;
}

export interface StepReport {
  readonly step: number;
  readonly title: string;
  readonly checks: readonly Outcome[];
}

export interface GuideResult {
  /** The learner quit; whatever was built has been removed. */
  readonly quit: boolean;
  /** Steps applied (all of them unless the learner quit). */
  readonly applied: number;
  readonly steps: readonly StepReport[];
  readonly outcomes: readonly Outcome[];
  readonly pass: boolean;
}

/** Thrown from the afterStep hook: labUp undoes what the journal holds and rethrows it. */
class Quit extends Error {}

const PROMPT = '\n[Enter] run this step   [q] quit and remove everything built so far > ';

/**
 * Walks a learner through a lab: each step is shown before it runs (why, docker
 * equivalent, commands), then applied, then its look-around output and checks are shown.
 * Quitting at a prompt tears down what was built (labUp's rollback, from the journal).
 */
export async function runGuided(def: LabDefinition, model: LabModel, deps: GuideDeps): Promise<GuideResult> {
  const say = deps.out ?? (() => {});
  const total = model.steps.length;
  const steps: StepReport[] = [];
  let applied = 0;
  const proceed = async (i: number): Promise<boolean> => {
    say(`\n${renderStep(model.steps[i]!, i, total)}`);
    return deps.prompter === undefined || (await deps.prompter.ask(PROMPT)) === 'continue';
  };

  say(renderIntro(def, model));
  try {
    if (!(await proceed(0))) return { quit: true, applied, steps, outcomes: [], pass: true };
    await deps.up({
      afterStep: async (step, i) => {
        applied = i + 1;
        say(`  ✓ applied\n`);
        if (deps.out && step.show?.length) {
          const shown = await Promise.all(step.show.map((c) => deps.runner.run(c, { allowFail: true })));
          say(renderShown(shown));
        }
        const checks = step.checks?.length ? await deps.verify(step.checks) : [];
        if (checks.length) say(`\n  Checks after this step:\n${renderOutcomes(checks).replace(/^(?=.)/gm, '  ')}`);
        steps.push({ step: i + 1, title: step.title, checks });
        if (i + 1 < total && !(await proceed(i + 1))) throw new Quit();
      },
    });
  } catch (err) {
    if (!(err instanceof Quit)) throw err;
    say(`\nStopped after step ${applied} of ${total}; everything it built has been removed.\n`);
    return { quit: true, applied, steps, outcomes: [], pass: steps.every((s) => s.checks.every((o) => o.pass)) };
  } finally {
    deps.prompter?.close();
  }

  const outcomes = await deps.verify(model.expectations);
  if (deps.out) say(`\n${await deps.picture()}\nVerification of ${model.name} (${model.title}):\n\n${renderOutcomes(outcomes)}\n${renderExplore(model)}`);
  const pass = outcomes.every((o) => o.pass) && steps.every((s) => s.checks.every((o) => o.pass));
  return { quit: false, applied, steps, outcomes, pass };
}
