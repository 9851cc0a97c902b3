import { applyOps } from '../apply/apply.js';
import { FileJournal, readJournal } from '../apply/journal.js';
import { teardown } from '../apply/teardown.js';
import { NslabError } from '../errors.js';
import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { findTool } from '../kernel/tools.js';
import type { Step } from '../plan/plan.js';
import type { LabDefinition, LabEnv, LabModel, LabOptions } from './definition.js';
import { findLab } from './registry.js';
import { assertNotUp, claimInstance, journalPath, readManifest, releaseInstance, type Manifest } from './state.js';
import { validateLabName } from '../model/names.js';

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

export async function existingNamespaces(runner: Runner): Promise<Set<string>> {
  const r = await runner.run(cmd('ip', ['-j', 'netns', 'list']), { allowFail: true });
  if (r.exitCode !== 0 || r.stdout.trim() === '') return new Set();
  return new Set((JSON.parse(r.stdout) as { name: string }[]).map((n) => n.name));
}

/**
 * Brings a lab up. Nothing is touched unless every namespace name is free; if any op
 * fails, what was applied is undone from the journal and the original error rethrown.
 */
export interface UpHooks {
  /** Called after each step is applied (guided mode pauses here; `run` runs step checks). */
  readonly afterStep?: (step: Step, index: number) => Promise<void>;
}

export async function labUp(model: LabModel, env: LabEnv, options: LabOptions, runner: Runner, hooks: UpHooks = {}): Promise<void> {
  assertNotUp(model.name);
  const taken = await existingNamespaces(runner);
  const clash = Object.values(model.nodes).find((n) => n.ns !== undefined && taken.has(n.ns));
  if (clash) {
    throw new NslabError(`network namespace ${clash.ns} already exists and nslab has no record of creating it`, {
      hint: `remove it (\`ip netns del ${clash.ns}\`, or \`nslab clean\` if a crashed lab left it) or choose another --name`,
    });
  }
  claimInstance({ id: model.id, name: model.name, options, env, createdAt: new Date().toISOString(), pid: process.pid });
  const journal = new FileJournal(journalPath(model.name));
  try {
    for (const [i, step] of model.steps.entries()) {
      await applyOps(step.ops, runner, journal);
      await hooks.afterStep?.(step, i);
    }
  } catch (err) {
    try {
      await teardown(journal.entries(), runner);
      releaseInstance(model.name);
    } catch (rollbackErr) {
      throw new NslabError(`${(err as Error).message}; rollback also failed: ${(rollbackErr as Error).message}`, {
        hint: `run \`nslab clean\``,
        cause: err,
      });
    }
    throw err;
  }
}

/** Undoes exactly what the journal says was applied, then forgets the lab. */
export async function labDown(name: string, runner: Runner): Promise<void> {
  readManifest(validateLabName(name));
  await teardown(readJournal(journalPath(name), { missingOk: true }), runner);
  releaseInstance(name);
}
