import type { Runner } from '../exec/runner.js';
import type { LabDefinition, LabModel } from '../plan/lab.js';
import type { Diagnosis } from '../plan/plan.js';
import type { UpHooks } from '../lifecycle/lifecycle.js';
import { expectationsAt } from '../plan/steps.js';
import type { Expectation, Outcome } from '../plan/expectation.js';
import { renderOutcomes } from '../verify/report.js';
import type { Prompter } from './prompt.js';
import { renderExplore, renderIntro, renderShown, renderStep } from './render.js';
import { localize, tr } from '../text/i18n.js';

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
  /** `nslab trace` of the lab's one packet, rendered; shown once the whole lab stands. */
  readonly trace?: (() => Promise<string>) | undefined;
  /** `nslab why` of a step's diagnosis, rendered. */
  readonly why?: ((d: Diagnosis) => Promise<string>) | undefined;
  /** Index of the first step to guide (`--from N`: N-1); earlier ones are built without pausing. */
  readonly from?: number | undefined;
  /** Steps already standing before `up` is called (resuming a running lab). */
  readonly built?: number | undefined;
  /** What quitting removes, in the learner's words. */
  readonly quitRemoves?: string | undefined;
}

export interface StepReport {
  readonly step: number;
  readonly title: string;
  readonly checks: readonly Outcome[];
}

export interface GuideResult {
  /** The learner quit; whatever was built has been removed. */
  readonly quit: boolean;
  /** The learner stopped at a step and kept the lab ([s] at a prompt). */
  readonly stopped: boolean;
  /** Steps applied (all of them unless the learner quit). */
  readonly applied: number;
  readonly steps: readonly StepReport[];
  readonly outcomes: readonly Outcome[];
  readonly pass: boolean;
}

/** Thrown from the afterStep hook: labUp undoes what the journal holds and rethrows it. */
class Quit extends Error {}

const prompt = () => `\n${tr`[Enter] run this step   [s] stop here, keep the lab   [q] quit and remove what was built`} > `;

/**
 * Walks a learner through a lab: each step is shown before it runs (why, docker
 * equivalent, commands), then applied, then its look-around output and checks are shown.
 * Quitting at a prompt tears down what was built (labUp's rollback, from the journal).
 */
export async function runGuided(def: LabDefinition, model: LabModel, deps: GuideDeps): Promise<GuideResult> {
  const tell = deps.out ?? (() => {});
  const total = model.steps.length;
  const from = deps.from ?? 0;
  const built = deps.built ?? 0;
  const steps: StepReport[] = [];
  let applied = built;
  let stopped = false;
  /** What why said at the breaking step, recalled at the end beside the fix's trace. */
  let diagnosed: { step: number; text: string } | undefined;
  const stepsPass = () => steps.every((s) => s.checks.every((o) => o.pass));
  const proceed = async (i: number): Promise<'continue' | 'stop'> => {
    tell(`\n${renderStep(model.steps[i]!, i, total)}`);
    const answer = deps.prompter === undefined ? 'continue' : await deps.prompter.ask(prompt());
    if (answer === 'quit') throw new Quit();
    return answer;
  };

  tell(renderIntro(def, model));
  if (from > 0) tell(`${built >= from ? tr`Steps 1 to ${from} are standing; the guide starts at step ${from + 1}.` : tr`Steps 1 to ${from} are built without pausing; the guide starts at step ${from + 1}.`}\n`);
  try {
    if (built >= from && (await proceed(built)) === 'stop') stopped = true;
    else {
      await deps.up({
        afterStep: async (step, i) => {
          applied = i + 1;
          if (i >= from) {
            tell(`  ✓ ${tr`applied`}\n`);
            if (deps.out && step.show?.length) {
              const shown = await Promise.all(step.show.map((c) => deps.runner.run(c, { allowFail: true })));
              tell(renderShown(shown));
            }
            const checks = step.checks?.length ? await deps.verify(step.checks) : [];
            if (checks.length) tell(`\n  ${tr`Checks after this step:`}\n${renderOutcomes(checks).replace(/^(?=.)/gm, '  ')}`);
            if (deps.out && deps.why && step.diagnose) {
              const text = `nslab why ${model.name} ${whyArgs(step.diagnose)}\n${await deps.why(step.diagnose)}`;
              diagnosed = { step: i + 1, text };
              tell(`\n  ${tr`Why, right now:`}\n${text.replace(/^(?=.)/gm, '  ')}`);
            }
            steps.push({ step: i + 1, title: step.title, checks });
          }
          if (i + 1 >= from && i + 1 < total && (await proceed(i + 1)) === 'stop') {
            stopped = true;
            return 'stop';
          }
          return undefined;
        },
      });
    }
  } catch (err) {
    if (!(err instanceof Quit)) throw err;
    tell(`\n${tr`Stopped after step ${applied} of ${total}; ${deps.quitRemoves ?? tr`everything it built has been removed`}.`}\n`);
    return { quit: true, stopped: false, applied, steps, outcomes: [], pass: stepsPass() };
  } finally {
    deps.prompter?.close();
  }

  const held = expectationsAt(model, applied);
  const outcomes = await deps.verify(held);
  if (deps.out) {
    const heading = applied < total ? tr`Verification of ${model.name} at step ${applied} of ${total} (${localize(model.title)}):` : tr`Verification of ${model.name} (${localize(model.title)}):`;
    tell(`\n${await deps.picture()}\n${heading}\n\n${renderOutcomes(outcomes)}\n${renderExplore(model, applied)}`);
    if (diagnosed && applied === total) tell(`\n${tr`The break, as why named it after step ${diagnosed.step}:`}\n${diagnosed.text}`);
    if (model.trace && deps.trace && applied === total) {
      const t = model.trace;
      const command = `nslab trace ${model.name} ${t.from} ${t.to}${t.port ? ` --port ${t.port}` : ''}${t.udp ? ' --udp' : ''}${t.dns ? ` --dns ${t.dns}` : ''}`;
      tell(`\n${tr`One packet, watched in every namespace: ${command}`}\n(${localize(t.look)})\n\n${await deps.trace()}`);
    }
  }
  const pass = outcomes.every((o) => o.pass) && stepsPass();
  return { quit: false, stopped, applied, steps, outcomes, pass };
}

const whyArgs = (d: Diagnosis): string => `${d.from} ${d.to}${d.port === undefined ? '' : ` --port ${d.port}`}`;
