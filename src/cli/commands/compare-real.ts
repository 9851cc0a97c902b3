import { defaultInstanceName } from '../../plan/lab.js';
import { resolveProfile } from '../../docker/profile.js';
import { NslabError } from '../../errors.js';
import { preflight } from '../../kernel/preflight.js';
import { buildLab, detectEnv } from '../../plan/build.js';
import { findLab } from '../../plan/catalogue.js';
import { chooseStep } from '../../plan/steps.js';
import { compareLab, endComparison, type LabComparison } from '../../realdocker/compare-lab.js';
import { realEngineFor } from '../../realdocker/engines.js';
import { renderDifference } from '../../realdocker/views.js';
import type { Context } from '../../program/context.js';
import { printJson } from '../../program/context.js';
import type { LabArgs, StepArgs } from '../shared.js';

// `nslab compare <lab> --real [--docker 27|28] [--until STEP]`: the lab built by hand beside a
// real dockerd that was given the lab's docker commands, and every difference between them.

type Args = LabArgs & StepArgs & { readonly keep?: boolean | undefined };

/** Lab options a real dockerd cannot be given: the lab's docker lines are fixed text. */
const NOT_REPLAYED = ['subnet', 'containers', 'bridge', 'rootNs', 'publish', 'firewall', 'userlandProxy'] as const;

export async function compareReal(ctx: Context, args: Args): Promise<number> {
  const given = NOT_REPLAYED.filter((k) => (args as unknown as Record<string, unknown>)[k] !== undefined);
  if (given.length) throw new NslabError(`compare --real takes --docker, --step and --until only (not --${given.join(', --')})`, { hint: "the real dockerd is given the lab's own docker lines, which know nothing of lab options" });
  preflight();
  const def = findLab(args.lab);
  // 28 by default: the newest Docker a real engine here judges (29 is held against moby's golden files).
  const profile = resolveProfile({ docker: args.docker ?? '28' }).docker;
  const engine = realEngineFor(profile);
  const names = { nslab: `cmp${defaultInstanceName(def.id)}`, real: `real${defaultInstanceName(def.id)}` };
  const env = detectEnv();
  const preview = buildLab(def, names.nslab, { docker: profile }, env);
  const through = args.step === undefined && args.until === undefined ? preview.steps.length : chooseStep(preview, args);
  let c: LabComparison;
  try {
    c = await compareLab(ctx.runner, def, { profile, through, ...names, env, say: (line) => ctx.io.err(`${line}\n`), signal: ctx.signal });
  } finally {
    if (!args.keep) await endComparison(ctx.runner, names);
  }
  if (ctx.json) printJson(ctx.io, { lab: def.id, docker: profile, engine: engine.version, step: c.through, steps: c.model.steps.length, lines: c.replayed, compared: c.compared, differences: c.differences });
  else ctx.io.out(render(c, profile));
  if (args.keep && !ctx.json) ctx.io.out(`both are kept: nslab down ${names.nslab}; nslab down ${names.real}\n`);
  return c.differences.length ? 1 : 0;
}

function render(c: LabComparison, profile: string): string {
  const total = c.model.steps.length;
  const at = c.through < total ? ` through step ${c.through} of ${total} (${c.model.steps[c.through - 1]!.title})` : '';
  const head = [
    `lab ${c.model.id} --docker ${profile}${at}, beside a real dockerd ${c.engine} given its ${c.replayed.length} docker line${c.replayed.length === 1 ? '' : 's'}:`,
    ...c.replayed.map((r) => `  ${r.line}${r.code === 0 ? '' : `   (refused, exit ${r.code})`}`),
    '',
  ];
  if (c.differences.length === 0) return [...head, `nothing differs: ${c.compared.length} aspects compared (${c.compared.join('; ')})`, ''].join('\n');
  return [...head, `${c.differences.length} of ${c.compared.length} aspects differ:`, '', ...c.differences.map((d) => `${renderDifference(d)}\n`)].join('\n');
}
