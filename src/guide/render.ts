import { renderCmd } from '../exec/command.js';
import type { CmdResult } from '../exec/runner.js';
import type { LabDefinition, LabModel } from '../plan/lab.js';
import type { Step } from '../plan/plan.js';
import { localize, tr } from '../text/i18n.js';

const indent = (text: string, by = '  '): string =>
  text
    .split('\n')
    .map((l) => (l ? `${by}${l}` : l))
    .join('\n');

export function renderIntro(def: LabDefinition, model: LabModel): string {
  const title = localize(model.title);
  const lines = [def.number ? tr`Lab ${def.number}: ${title}` : title, ''];
  if (def.article) lines.push(`${tr`Rebuilds:`} ${localize(def.article).replaceAll('\n', '\n          ')}`, '');
  const nodes = Object.entries(model.nodes).map(([k, v]) => `${k} = ${v.ns ?? tr`the root namespace`}`);
  lines.push(tr`${model.steps.length} steps. Nodes: ${nodes.join(', ')}.`, '');
  return `${lines.join('\n')}\n`;
}

/** A step before it runs: what, why, the docker equivalent, and the exact commands. */
export function renderStep(step: Step, index: number, total: number): string {
  const lines = [`── ${tr`Step ${index + 1}/${total}: ${localize(step.title)}`} ──`, indent(localize(step.why)), ''];
  for (const d of step.docker ?? []) lines.push(`  docker: ${localize(d)}`);
  if (step.docker?.length) lines.push('');
  if (step.ops.length === 0) lines.push(`  ${tr`(no commands: this step only looks)`}`);
  else lines.push(`  ${tr`Commands (copy-pasteable, as root):`}`, ...step.ops.map((op) => `    ${renderCmd(op.cmd)}`));
  return `${lines.join('\n')}\n`;
}

/** The output of a step's look-around commands, as a learner would see them typed. */
export function renderShown(results: readonly CmdResult[]): string {
  if (results.length === 0) return '';
  const blocks = results.map((r) => `  $ ${renderCmd(r.cmd)}\n${indent((r.stdout || r.stderr).trimEnd(), '    ')}`);
  return `\n  ${tr`Look:`}\n${blocks.join('\n')}\n`;
}

/** How to poke at the lab after the guide, in its own words. */
export function renderExplore(model: LabModel, applied = model.steps.length): string {
  const nodes = Object.keys(model.nodes);
  const named = model.name === model.id ? '' : ` --name ${model.name}`;
  const lines = [
    applied < model.steps.length ? tr`Lab ${model.name} is still up, at step ${applied} of ${model.steps.length}. Explore it:` : tr`Lab ${model.name} is still up. Explore it:`,
    ...nodes.map((n) => `  nslab exec ${model.name} ${n} -- ip addr`),
    `  nslab verify ${model.name}      # ${tr`re-check the table above by packets`}`,
    ...(applied < model.steps.length ? [`  nslab lab ${model.id}${named} --from ${applied + 1}   # ${tr`carry on from the next step`}`] : []),
    ...(applied > 1 ? [`  nslab lab ${model.name} --rewind ${applied - 1}   # ${tr`go back a step`}`] : []),
    `  nslab down ${model.name}        # ${tr`remove everything it built`}`,
  ];
  return `${lines.join('\n')}\n`;
}
