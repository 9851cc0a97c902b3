import { NslabError } from '../errors.js';
import type { Step } from './plan.js';
import type { Expectation } from './expectation.js';
import type { LabModel } from './lab.js';

/** Where to stop a lab: a step number (1-based) or words of a step's title. */
export interface StepChoice {
  readonly step?: number | undefined;
  readonly until?: string | undefined;
}

const listing = (model: LabModel): string => model.steps.map((s, i) => `${i + 1} ${s.title}`).join('; ');

const wordsOf = (text: string): string[] => text.toLowerCase().split(/[^a-z0-9_.]+/).filter(Boolean);

/**
 * The step the learner named. `--until connect` matches "Connect web to my_bridge" but
 * not "Disconnect web": titles are compared as whole words, in order, ignoring case.
 */
export function chooseStep(model: LabModel, choice: StepChoice, flag = '--step'): number {
  const total = model.steps.length;
  if (choice.step !== undefined && choice.until !== undefined) {
    throw new NslabError('give --step or --until, not both', { hint: `the steps of ${model.id}: ${listing(model)}` });
  }
  if (choice.step !== undefined) {
    const n = choice.step;
    if (!Number.isInteger(n) || n < 1 || n > total) {
      throw new NslabError(`${flag} ${String(n)} is not a step of lab ${model.id} (it has steps 1 to ${total})`, { hint: `the steps: ${listing(model)}` });
    }
    return n;
  }
  const words = wordsOf(choice.until ?? '');
  if (words.length === 0) throw new NslabError('--until needs words of a step title', { hint: `the steps of ${model.id}: ${listing(model)}` });
  const matches = model.steps.map((s, i) => ({ i, title: wordsOf(s.title) })).filter(({ title }) => containsRun(title, words));
  if (matches.length === 1) return matches[0]!.i + 1;
  const asked = JSON.stringify(choice.until);
  if (matches.length === 0) throw new NslabError(`no step of lab ${model.id} has ${asked} in its title`, { hint: `the steps: ${listing(model)}` });
  throw new NslabError(`${asked} matches ${matches.length} steps of lab ${model.id}: ${matches.map((m) => m.i + 1).join(', ')}`, {
    hint: `use --step N, or more words of one title; the steps: ${listing(model)}`,
  });
}

function containsRun(haystack: readonly string[], needle: readonly string[]): boolean {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((w, j) => haystack[i + j] === w)) return true;
  }
  return false;
}

/**
 * What a check is about, apart from what it expects: the path or the state it looks at.
 * A TCP connection and the source address seen over it are one subject; so are
 * `sysctl ip_forward` expected to say 0 and expected to say 1.
 */
function subject(e: Expectation): string {
  const p = e.probe;
  switch (p.kind) {
    case 'ping':
      return `ping ${p.from} ${p.to} ${p.dev ?? ''} ${p.size ?? ''}`;
    case 'tcp':
    case 'source':
      return `conn ${p.from} ${p.to} ${p.port}`;
    case 'service':
      return `service ${p.from} ${p.to} ${p.port}`;
    case 'http':
      return `http ${p.from} ${p.to} ${p.port}`;
    case 'output':
      return `output ${p.node} ${p.argv.join(' ')}`;
    case 'veth-peer':
      return `veth ${p.node} ${p.dev}`;
    case 'dns':
      return `dns ${p.from} ${p.name} ${p.resolver ?? ''} ${p.transport ?? ''}`;
    case 'capture':
      return `capture ${p.on} ${p.iface} ${p.from} ${p.to}`;
  }
}

const sameProbe = (a: Expectation, b: Expectation): boolean => subject(a) === subject(b);

/**
 * What holds after `through` steps. At the end that is the lab's expectations. Part-way it
 * is the checks of the steps so far: a later check of the same subject replaces an earlier
 * one (red -> blue fails before the cable, reaches after), and a step lists in `retires`
 * the earlier checks it makes untrue in another way (connect lets web reach db's address).
 */
export function expectationsAt(model: LabModel, through: number): readonly Expectation[] {
  if (through >= model.steps.length) return model.expectations;
  let held: Expectation[] = [];
  for (const step of model.steps.slice(0, through)) {
    const retired = step.retires ?? [];
    held = held.filter((e) => !retired.some((r) => r === e || sameProbe(r, e)));
    for (const check of step.checks ?? []) held = [...held.filter((e) => !sameProbe(e, check)), check];
  }
  return held;
}

/** The lab as it stands after `through` steps: the steps applied, and what holds then. */
export function modelThrough(model: LabModel, through: number | undefined): LabModel {
  if (through === undefined || through >= model.steps.length) return model;
  return { ...model, steps: model.steps.slice(0, through), expectations: expectationsAt(model, through) };
}

export interface StepListing {
  readonly step: number;
  readonly title: string;
  readonly docker: readonly string[];
  readonly checks: number;
}

export function stepListing(steps: readonly Step[]): StepListing[] {
  return steps.map((s, i) => ({ step: i + 1, title: s.title, docker: s.docker ?? [], checks: s.checks?.length ?? 0 }));
}
