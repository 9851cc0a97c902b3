import { localize, tr } from '../text/i18n.js';
import type { Runner } from '../exec/runner.js';
import { readNamespace, labNamespaces } from '../inspect/world.js';
import { cleanAll } from '../lifecycle/clean.js';
import type { LabEnv, LabModel } from '../plan/lab.js';
import { labUp } from '../lifecycle/lifecycle.js';
import { table } from '../text/table.js';
import { hintLadder } from './hints.js';
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

/** Hints a learner may see for each finding: the revealed ones (or all of them), and how many are held back. */
export function visibleHints(findings: readonly Finding[], revealed: Readonly<Record<string, number>> | 'all'): { finding: Finding; hints: string[]; held: number }[] {
  return findings
    .filter((f) => !f.pass)
    .map((f) => {
      const ladder = hintLadder(f);
      const count = revealed === 'all' ? ladder.length : Math.min(ladder.length, revealed[f.requirement] ?? 0);
      return { finding: f, hints: ladder.slice(0, count), held: ladder.length - count };
    });
}

export function renderFindings(findings: readonly Finding[], revealed: Readonly<Record<string, number>> | 'all', hintCommand: string): string {
  const rows = findings.map((f) => [f.pass ? tr`PASS` : tr`FAIL`, localize(f.requirement), localize(f.detail)]);
  const failed = findings.filter((f) => !f.pass);
  const visible = visibleHints(findings, revealed);
  const shown = visible.filter((v) => v.hints.length > 0).map((v) => `  - ${localize(v.finding.requirement)}:\n${v.hints.map((h) => `      ${localize(h)}`).join('\n')}`);
  const held = visible.reduce((n, v) => n + v.held, 0);
  const verdict = failed.length === 0 ? tr`all ${findings.length} requirements met` : tr`${failed.length} of ${findings.length} requirements not met`;
  const more = held > 0 ? `\n${held === 1 ? tr`1 hint not shown yet: \`${hintCommand}\` reveals the next one.` : tr`${held} hints not shown yet: \`${hintCommand}\` reveals the next one.`}\n` : '';
  return `${table(['', tr`requirement`, tr`detail`], rows)}\n\n${verdict}\n${shown.length ? `\n${tr`Hints:`}\n${shown.join('\n')}\n` : ''}${more}`;
}
