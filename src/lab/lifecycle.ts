import { applyOps } from '../apply/apply.js';
import { FileJournal, mayHaveApplied, readJournal, type JournalEntry } from '../apply/journal.js';
import { teardown } from '../apply/teardown.js';
import { NslabError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import { linkKindsOf, requireLinkKinds } from '../kernel/link-kinds.js';
import { namespaceExists } from '../kernel/netns-fs.js';
import { assertRootFree } from '../kernel/root-conflicts.js';
import { findTool } from '../kernel/tools.js';
import { validateLabName } from '../model/names.js';
import { planOps, type Step } from '../plan/plan.js';
import type { LabDefinition, LabEnv, LabModel, LabOptions } from './definition.js';
import { InterruptedError, interruptibleJournal, stopSignalOf } from './interrupt.js';
import { findLab } from './registry.js';
import { forgetRootJournal, mirroringRootOps } from './root-journal.js';
import { claimInstance, journalPath, markUp, readManifest, releaseInstance, staleClaim, takeStaleClaim, type Manifest } from './state.js';

export function detectEnv(): LabEnv {
  return { brctl: findTool('brctl') !== undefined };
}

export function buildLab(def: LabDefinition, name: string, options: LabOptions = {}, env: LabEnv = detectEnv()): LabModel {
  return def.build({ name: validateLabName(name), env, options });
}

/** The model of a running lab, rebuilt from its manifest exactly as it was brought up. */
export function runningModel(name: string): { manifest: Manifest; model: LabModel } {
  const manifest = readManifest(validateLabName(name));
  return { manifest, model: buildLab(findLab(manifest.id), manifest.name, manifest.options, manifest.env) };
}

export interface UpHooks {
  /** Called after each step is applied (guided mode pauses here; `run` runs step checks). */
  readonly afterStep?: (step: Step, index: number) => Promise<void>;
  /** Aborted by Ctrl-C (see withInterrupts): building stops and is rolled back. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Undoes what a crashed nslab left half-built under `name`, from its journal, so the name
 * can be claimed again. A live claim, or none, is left alone.
 */
export async function recoverStaleClaim(name: string, runner: Runner): Promise<boolean> {
  if (staleClaim(name) === undefined) return false;
  const aside = takeStaleClaim(name);
  if (aside === undefined) return false;
  let entries: JournalEntry[] = [];
  try {
    entries = readJournal(`${aside}/journal.jsonl`, { missingOk: true });
  } catch {
    // A torn record from the crash: the names and tags clean-up in `nslab clean` covers it.
  }
  await teardown(entries, runner);
  releaseInstance(aside.slice(aside.lastIndexOf('/') + 1));
  return true;
}

/** Nothing of the lab's may exist yet, and the kernel must be able to build it. */
async function assertFree(model: LabModel, runner: Runner): Promise<void> {
  const clash = Object.values(model.nodes).find((n) => n.ns !== undefined && namespaceExists(n.ns));
  if (clash) {
    throw new NslabError(`network namespace ${clash.ns} already exists and nslab has no record of creating it`, {
      hint: `remove it (\`ip netns del ${clash.ns}\`, or \`nslab clean ${model.name}\` if a crashed lab left it) or choose another --name`,
    });
  }
  await assertRootFree(runner, planOps(model.steps));
  await requireLinkKinds(runner, linkKindsOf(planOps(model.steps)));
}

/**
 * Brings a lab up. Nothing is touched unless every name is free; if any op fails or a stop
 * signal arrives, what was applied is undone from the journal and the error rethrown.
 */
export async function labUp(model: LabModel, env: LabEnv, options: LabOptions, runner: Runner, hooks: UpHooks = {}): Promise<void> {
  await recoverStaleClaim(model.name, runner);
  // Claim first: of two processes racing for one name, the loser hears "already up".
  claimInstance({ id: model.id, name: model.name, options, env, createdAt: new Date().toISOString(), pid: process.pid });
  try {
    await assertFree(model, runner);
  } catch (err) {
    releaseInstance(model.name);
    throw err;
  }
  const file = new FileJournal(journalPath(model.name));
  const journal = interruptibleJournal(mirroringRootOps(file, model.name), hooks.signal);
  try {
    for (const [i, step] of model.steps.entries()) {
      await applyOps(step.ops, runner, journal);
      await hooks.afterStep?.(step, i);
    }
    if (hooks.signal?.aborted) throw new Error('stopped after the last step');
  } catch (err) {
    const applied = journal.entries().filter(mayHaveApplied).length;
    try {
      await teardown(journal.entries(), runner);
      forgetRootJournal(model.name);
      releaseInstance(model.name);
    } catch (rollbackErr) {
      throw new NslabError(`${(err as Error).message}; rollback also failed: ${(rollbackErr as Error).message}`, {
        hint: `run \`nslab clean ${model.name}\``,
        cause: err,
      });
    }
    const sig = stopSignalOf(hooks.signal);
    if (sig) throw new InterruptedError(sig, `lab ${model.name} was being built (${applied} of ${planOps(model.steps).length} operations applied); all of them were undone`);
    throw err;
  } finally {
    file.close();
  }
  markUp(model.name);
}

/** Undoes exactly what the journal says was applied, then forgets the lab. */
export async function labDown(name: string, runner: Runner): Promise<void> {
  readManifest(validateLabName(name));
  let entries: JournalEntry[];
  try {
    entries = readJournal(journalPath(name), { missingOk: true });
  } catch (err) {
    throw new NslabError(`${(err as Error).message}: cannot tell what lab ${name} applied`, {
      hint: `run \`nslab clean ${name}\` to remove it by its names and tags instead`,
    });
  }
  await teardown(entries, runner);
  forgetRootJournal(name);
  releaseInstance(name);
}
