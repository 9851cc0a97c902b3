import { renderCmd, type Cmd } from '../exec/command.js';
import type { Step } from './plan.js';
import { localize, tr } from '../text/i18n.js';
import { planOps } from './plan.js';
import { plannedChanges, undoOrder } from './undo-order.js';

function comment(text: string): string[] {
  return text.split('\n').map((l) => (l ? `# ${l}` : '#'));
}

/**
 * The plan as a script a learner can paste into a root shell: the same argv nslab runs,
 * step by step, and at the end the teardown it would run.
 */
export function renderShell(title: string, steps: readonly Step[]): string {
  const lines = ['#!/usr/bin/env bash', ...comment(title), 'set -euo pipefail', ''];
  for (const [i, step] of steps.entries()) {
    lines.push(`# --- ${tr`Step ${i + 1}: ${localize(step.title)}`} ---`);
    lines.push(...comment(localize(step.why)));
    for (const d of step.docker ?? []) lines.push(`# docker: ${localize(d)}`);
    for (const op of step.ops) lines.push(renderCmd(op.cmd));
    for (const c of step.show ?? []) lines.push(`# look: ${renderCmd(c)}`);
    lines.push('');
  }
  lines.push(...renderTeardown(steps));
  return `${lines.join('\n')}\n`;
}

/** Teardown derived from the ops, as comments (it is not run by the script). */
export function renderTeardown(steps: readonly Step[]): string[] {
  const undos = undoOrder(plannedChanges(planOps(steps)));
  return [`# --- ${tr`Teardown (what \`nslab down\` runs)`} ---`, ...undos.map((u) => `# ${renderCmd(u.cmd)}${u.guard ? `   (${tr`if nslab created it, and not if ${u.guard.why}`})` : ''}`)];
}

/** Commands nslab would run, as a script with a heading (down, rewind, clean, doctor --fix in dry-run). */
export function renderCommands(heading: string, cmds: readonly Cmd[]): string {
  return `${['#!/usr/bin/env bash', ...comment(heading), 'set -euo pipefail', '', ...cmds.map(renderCmd)].join('\n')}\n`;
}
