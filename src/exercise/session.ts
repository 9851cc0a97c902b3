import type { Runner } from '../exec/runner.js';
import { readNamespace, labNamespaces } from '../inspect/world.js';
import { cleanAll } from '../lab/clean.js';
import type { LabEnv, LabModel } from '../lab/definition.js';
import { labUp } from '../lab/lifecycle.js';
import { table } from '../verify/report.js';
import { MISTAKES } from './mistakes.js';
import type { Exercise, Finding } from './types.js';

/** Prepares what the exercise gives the learner, journaled like a lab so reset can undo it. */
export async function startExercise(ex: Exercise, name: string, env: LabEnv, runner: Runner): Promise<void> {
  await labUp(exerciseModel(ex, name, env), env, {}, runner);
}

/** The prepared part as a lab model: no nodes or expectations, the checker reads the kernel. */
export function exerciseModel(ex: Exercise, name: string, env: LabEnv): LabModel {
  return { id: `exercise-${ex.id}`, name, title: ex.title, nodes: {}, steps: ex.start?.(name, env) ?? [], expectations: [] };
}

/** Reads every nslab-<name>-* namespace from the kernel, then runs the exercise's checks. */
export async function checkExercise(ex: Exercise, name: string, runner: Runner): Promise<Finding[]> {
  const world = await Promise.all((await labNamespaces(runner, name)).map((ns) => readNamespace(runner, ns)));
  return ex.check({ runner, name, world });
}

/**
 * Removes the exercise's namespaces, prepared or hand-built, by their name prefix (what
 * nslab prepared is undone from its journal first). Returns the namespaces that went.
 */
export async function resetExercise(name: string, runner: Runner): Promise<{ removed: string[]; errors: string[] }> {
  const before = await labNamespaces(runner, name);
  const report = await cleanAll(runner, name);
  const after = new Set(await labNamespaces(runner, name));
  return { removed: before.filter((n) => !after.has(n)), errors: report.errors };
}

export function renderFindings(findings: readonly Finding[]): string {
  const rows = findings.map((f) => [f.pass ? 'PASS' : 'FAIL', f.requirement, f.detail]);
  const failed = findings.filter((f) => !f.pass);
  const hints = failed
    .filter((f) => f.hint)
    .map((f) => `  - ${f.mistake ? `[${MISTAKES[f.mistake]}] ` : ''}${f.requirement}:\n      ${f.hint}`);
  const verdict = failed.length === 0 ? `all ${findings.length} requirements met` : `${failed.length} of ${findings.length} requirements not met`;
  return `${table(['', 'requirement', 'detail'], rows)}\n\n${verdict}\n${hints.length ? `\nHints:\n${hints.join('\n')}\n` : ''}`;
}
