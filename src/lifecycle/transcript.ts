import { readJournal, readStepMarks } from '../apply/journal.js';
import { renderCmd } from '../exec/command.js';
import type { LabModel } from '../plan/lab.js';
import { journalPath } from './state.js';

const comment = (text: string): string[] => text.split('\n').map((l) => (l ? `# ${l}` : '#'));

/**
 * What nslab really ran to bring a lab to where it stands, as a script: the commands the
 * journal holds as done, in the order they ran, under the text of the step they belong
 * to. Rewound ops are left out, so `bash FILE` on a clean machine rebuilds this state.
 */
export function labTranscript(model: LabModel, at: number, command: string, footer?: readonly string[]): string {
  const path = journalPath(model.name);
  const entries = readJournal(path, { missingOk: true }).filter((e) => e.status === 'done');
  const marks = readStepMarks(path);
  const lines = ['#!/usr/bin/env bash', ...comment(`${model.title}\nRecorded by \`${command}\`: every command nslab ran, as a root shell script.`), 'set -euo pipefail', ''];
  let previous = 0;
  for (let step = 1; step <= at; step++) {
    const end = marks.get(step);
    if (end === undefined) break;
    const s = model.steps[step - 1]!;
    lines.push(`# --- Step ${step}: ${s.title} ---`, ...comment(s.why));
    for (const d of s.docker ?? []) lines.push(`# docker: ${d}`);
    for (const e of entries.filter((x) => x.seq > previous && x.seq <= end)) lines.push(renderCmd(e.cmd));
    lines.push('');
    previous = Math.max(previous, end);
  }
  const partial = model.steps.length > at ? ` --step ${at}` : '';
  lines.push(...(footer ?? [`# Check it: nslab verify ${model.name} --lab ${model.id}${partial}`, `# Remove it: nslab clean ${model.name}`]));
  return `${lines.join('\n')}\n`;
}
