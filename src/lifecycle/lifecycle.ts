import { say } from '../text/say.js';
import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { applyOps } from '../apply/apply.js';
import { withFaultInjection } from '../apply/fault.js';
import type { Journal } from '../apply/journal.js';
import { FileJournal, mayHaveApplied, readJournal, readStepMarks, type JournalEntry } from '../apply/journal.js';
import { createdNamespaces, teardown, undoCommands } from '../apply/teardown.js';
import { waitForLinksGone } from '../kernel/settle.js';
import { NslabError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import type { Cmd } from '../exec/command.js';
import { linkKindsOf, requireLinkKinds } from '../kernel/link-kinds.js';
import { namespaceExists } from '../kernel/netns-fs.js';
import { assertRootFree } from '../kernel/root-conflicts.js';
import { validateLabName } from '../model/names.js';
import { planOps, type Step } from '../plan/plan.js';
import type { LabEnv, LabModel, LabOptions } from '../plan/lab.js';
import { InterruptedError, interruptibleJournal, signalsDelivered, stopSignalOf, untilAborted } from './interrupt.js';
import type { Outcome } from '../plan/expectation.js';
import { verifyLab } from '../verify/verify-lab.js';
import { findLab } from '../plan/catalogue.js';
import { forgetRootJournal, mirroringRootOps } from './root-journal.js';
import { claimInstance, journalPath, stateDir, markBuilding, markUp, readManifest, releaseInstance, staleClaim, takeStaleClaim, type Manifest } from './state.js';
import { modelThrough } from '../plan/steps.js';
import { buildLab } from '../plan/build.js';
import { withLabLock } from './lock.js';


/** Which link kinds this kernel was seen to create, per boot and kernel release (see link-kinds.ts). */
function linkKindsCache(): string {
  let boot = 'unknown-boot';
  try {
    boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // Without a boot id the release alone names the kernel.
  }
  return join(stateDir(), 'cache', `link-kinds-${release()}-${boot}.json`);
}

/** The whole model of a recorded lab, rebuilt from its manifest exactly as it was brought up. */
export function recordedModel(name: string): { manifest: Manifest; model: LabModel } {
  const manifest = readManifest(validateLabName(name));
  return { manifest, model: buildLab(findLab(manifest.id), manifest.name, manifest.options, manifest.env) };
}

/** A running lab as it stands: the steps applied so far, and what holds after them. */
export function runningModel(name: string): { manifest: Manifest; model: LabModel } {
  const { manifest, model } = recordedModel(name);
  return { manifest, model: modelThrough(model, manifest.step) };
}

export interface UpHooks {
  /**
   * Called after each step is applied (guided mode pauses here; `run` runs step checks).
   * Returning 'stop' leaves the lab up at that step.
   */
  readonly afterStep?: (step: Step, index: number) => Promise<void | 'stop'>;
  /** Aborted by Ctrl-C (see withInterrupts): building stops and is rolled back. */
  readonly signal?: AbortSignal | undefined;
  /** Build only this many steps (`up --step`); the lab is recorded as stopped there. */
  readonly through?: number | undefined;
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
  await requireLinkKinds(runner, linkKindsOf(planOps(model.steps)), linkKindsCache());
}

/**
 * Brings a lab up. Nothing is touched unless every name is free; if any op fails or a stop
 * signal arrives, what was applied is undone from the journal and the error rethrown.
 */
export async function labUp(model: LabModel, env: LabEnv, options: LabOptions, runner: Runner, hooks: UpHooks = {}): Promise<void> {
  return withLabLock(model.name, runner, `up ${model.id}`, async () => {
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
    const journal = interruptibleJournal(withFaultInjection(mirroringRootOps(file, model.name)), hooks.signal);
    let reached = 0;
    try {
      reached = await applySteps(model, 0, hooks.through ?? model.steps.length, runner, file, journal, hooks);
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
    markUp(model.name, reached < model.steps.length ? reached : undefined);
  });
}

/**
 * `nslab up`: builds a lab to leave running. A Ctrl-C that lands just after the last op was
 * promised a teardown, and gets it.
 */
export async function labUpToStay(model: LabModel, env: LabEnv, options: LabOptions, runner: Runner, hooks: UpHooks = {}): Promise<void> {
  await labUp(model, env, options, runner, hooks);
  await signalsDelivered();
  const sig = stopSignalOf(hooks.signal);
  if (sig) {
    await labDown(model.name, runner);
    throw new InterruptedError(sig, `lab ${model.name} was built and is now torn down`);
  }
}

export interface RunResult {
  /** Each step's own checks (labelled with their step), then the lab's expectations. */
  readonly outcomes: Outcome[];
  /** What `look` returned while the lab stood. */
  readonly picture: string;
  readonly seconds: number;
}

/**
 * `nslab run`: build, check each step as it lands, verify by packets, look at it, and tear
 * it down whatever happened. Ctrl-C stops waiting for probes at once; the lab still goes.
 */
export async function labRun(model: LabModel, env: LabEnv, options: LabOptions, runner: Runner, hooks: { signal?: AbortSignal | undefined; look: () => Promise<string> }): Promise<RunResult> {
  const started = performance.now();
  // Step checks are labelled with their step: they describe the lab mid-way, not at the end.
  const stepOutcomes: Outcome[] = [];
  await labUp(model, env, options, runner, {
    signal: hooks.signal,
    afterStep: async (step, i) => {
      if (!step.checks?.length) return;
      const got = await verifyLab(runner, model, step.checks);
      stepOutcomes.push(...got.map((o) => ({ ...o, title: say`[step ${i + 1}] ${o.title}` })));
    },
  });
  let outcomes: Outcome[] = [];
  let picture = '';
  try {
    outcomes = [...stepOutcomes, ...(await untilAborted(verifyLab(runner, model, model.expectations), hooks.signal))];
    picture = await untilAborted(hooks.look(), hooks.signal);
  } catch (err) {
    if (!hooks.signal?.aborted) throw err;
  } finally {
    await labDown(model.name, runner);
  }
  await signalsDelivered();
  const sig = stopSignalOf(hooks.signal);
  if (sig) throw new InterruptedError(sig, `lab ${model.name} was built and is now torn down; verification did not finish`);
  return { outcomes, picture, seconds: Number(((performance.now() - started) / 1000).toFixed(2)) };
}

/** Applies steps from+1..to, marking each in the journal; returns the last step applied. */
async function applySteps(model: LabModel, from: number, to: number, runner: Runner, file: FileJournal, journal: Journal, hooks: UpHooks): Promise<number> {
  for (let i = from; i < to; i++) {
    const step = model.steps[i]!;
    await applyOps(step.ops, runner, journal);
    file.markStep(i + 1);
    if ((await hooks.afterStep?.(step, i)) === 'stop') return i + 1;
  }
  if (hooks.signal?.aborted) throw new Error('stopped after the last step');
  return to;
}

/** The step a running lab stands at, and the journal marks that say where each step ended. */
function standing(name: string): { manifest: Manifest; model: LabModel; at: number; marks: Map<number, number> } {
  const { manifest, model } = recordedModel(name);
  if (manifest.state === 'building') throw new NslabError(`lab ${name} is being built by nslab process ${manifest.pid}`, { hint: 'wait for it to finish' });
  return { manifest, model, at: manifest.step ?? model.steps.length, marks: readStepMarks(journalPath(name)) };
}

/**
 * Builds a running lab on from the step it stands at through step `to`. If an op fails or
 * a stop signal arrives, the steps this call applied are undone and the lab is left where
 * it stood.
 */
export async function labAdvance(name: string, to: number, runner: Runner, hooks: Omit<UpHooks, 'through'> = {}): Promise<number> {
  return withLabLock(name, runner, `building ${name} on to step ${to}`, async () => {
    const { model, at } = standing(name);
    if (to <= at) return at;
    markBuilding(name);
    const file = new FileJournal(journalPath(name));
    const journal = interruptibleJournal(withFaultInjection(mirroringRootOps(file, name)), hooks.signal);
    let reached = at;
    try {
      reached = await applySteps(model, at, to, runner, file, journal, hooks);
    } catch (err) {
      file.close();
      let back: Rewound;
      try {
        back = await backTo(name, at, runner);
      } catch (rollbackErr) {
        throw new NslabError(`${(err as Error).message}; rolling back to step ${at} also failed: ${(rollbackErr as Error).message}`, { hint: `run \`nslab clean ${name}\``, cause: err });
      }
      if (!back.rebuilt) markUp(name, at < model.steps.length ? at : undefined);
      const sig = stopSignalOf(hooks.signal);
      const how = back.rebuilt ? `it was rebuilt to step ${at} (${rebuiltWhy(back.rebuilt, model)})` : `what was added is undone and it stands at step ${at} again`;
      if (sig) throw new InterruptedError(sig, `lab ${name} was being built on from step ${at}; ${how}`);
      throw err;
    } finally {
      file.close();
    }
    markUp(name, reached < model.steps.length ? reached : undefined);
    return reached;
  });
}

/** How a lab went back to a step: ops undone from the journal, or built again from nothing. */
export interface Rewound {
  readonly undone: number;
  /**
   * Set when later steps took away what the step had made (a disconnect deleting a veth):
   * undoing a deletion restores nothing, so the lab was taken down and built to the step
   * again. `by` lists those steps.
   */
  readonly rebuilt?: { readonly by: readonly number[]; readonly ops: number } | undefined;
}

/** "step 7 (Disconnect web from my_bridge) removed what an earlier step made": why a rewind rebuilt. */
export function rebuiltWhy(rebuilt: NonNullable<Rewound['rebuilt']>, model: LabModel): string {
  const steps = rebuilt.by.map((n) => `step ${n} (${model.steps[n - 1]?.title ?? 'unfinished'})`).join(', ');
  return `${steps} removed what an earlier step made, which undoing cannot bring back`;
}

/**
 * Takes a running lab back to how it stood after step `to`: every op journaled after that
 * step is undone, newest first, and nothing else; the ops stay in the journal, marked undone.
 * Where a later step removed something (see Op.removes), the lab is built anew to step `to`
 * instead, so a rewind always leaves what `up --step` builds.
 */
export async function labRewind(name: string, to: number, runner: Runner): Promise<{ from: number; to: number } & Rewound> {
  return withLabLock(name, runner, `rewinding ${name} to step ${to}`, async () => {
    const { model, at, marks } = standing(name);
    const total = model.steps.length;
    if (!Number.isInteger(to) || to < 1 || to > total) {
      throw new NslabError(`--rewind ${String(to)} is not a step of lab ${name} (it has steps 1 to ${total})`, { hint: `see \`nslab lab ${model.id} --steps\`` });
    }
    if (to > at) {
      throw new NslabError(`lab ${name} stands at step ${at}: it cannot rewind forward to step ${to}`, { hint: `build on with \`nslab lab ${model.id} --name ${name} --from ${at + 1}\`` });
    }
    if (!marks.has(to)) {
      throw new NslabError(`the journal of lab ${name} does not say where step ${to} ended (it was built by an older nslab)`, { hint: `rebuild it: \`nslab down ${name}\`, then \`nslab up ${model.id} --step ${to}\`` });
    }
    markBuilding(name);
    const back = await backTo(name, to, runner);
    if (!back.rebuilt) markUp(name, to < total ? to : undefined);
    return { from: at, to, ...back };
  });
}

/**
 * Back to how the lab stood after step `step`: the journal's ops after that step's mark are
 * undone, unless one of them removed something, in which case the lab is built again.
 */
async function backTo(name: string, step: number, runner: Runner): Promise<Rewound> {
  const marks = readStepMarks(journalPath(name));
  const after = marks.get(step) ?? 0;
  const later = readJournal(journalPath(name)).filter((e) => e.seq > after && mayHaveApplied(e));
  const removing = later.filter((e) => e.removes);
  if (removing.length === 0) return { undone: await undoEntries(name, later, runner) };
  const { manifest, model } = recordedModel(name);
  await labDown(name, runner);
  await labUp(model, manifest.env, manifest.options, runner, { through: step });
  const by = [...new Set(removing.map((e) => stepOfSeq(marks, e.seq)))].sort((a, b) => a - b);
  return { undone: later.length, rebuilt: { by, ops: planOps(model.steps.slice(0, step)).length } };
}

/** The step an op was applied in: the first whose mark is at or after it (else the one being built). */
function stepOfSeq(marks: ReadonlyMap<number, number>, seq: number): number {
  const ends = [...marks.entries()].filter(([, last]) => last >= seq).map(([n]) => n);
  return ends.length ? Math.min(...ends) : Math.max(0, ...marks.keys()) + 1;
}

/** Undoes these journal entries (newest first), waits for their links to go, and marks them undone. */
async function undoEntries(name: string, later: readonly JournalEntry[], runner: Runner): Promise<number> {
  await teardown(later, runner);
  // Links made after the step in namespaces that stay: wait for the kernel to finish removing them.
  const gone = new Set(createdNamespaces(later));
  const links = later.flatMap((e) => {
    const k = e.creates;
    return k?.kind === 'link' && !gone.has(k.ns) ? [{ ns: k.ns === '' ? undefined : k.ns, dev: k.dev }] : [];
  });
  const left = await waitForLinksGone(runner, links);
  if (left.length) throw new NslabError(`rewinding lab ${name}: ${left.join(', ')} still exist 10 s after their undo`, { hint: `run \`nslab down ${name}\`` });
  const file = new FileJournal(journalPath(name));
  try {
    file.mark(later.map((e) => ({ seq: e.seq, status: 'undone' as const })));
  } finally {
    file.close();
  }
  return later.length;
}

/** What `down` would run, from the journal, as commands (`down --dry-run`); nothing runs. */
export function labDownPlan(name: string): Cmd[] {
  readManifest(validateLabName(name));
  return undoCommands(readJournal(journalPath(name), { missingOk: true }).filter(mayHaveApplied)).map((u) => u.cmd);
}

/**
 * What `--rewind N` would run (`--rewind N --dry-run`): the undos of the ops after step N,
 * or, where a later step removed something, the lab's teardown and its steps 1..N again.
 */
export function labRewindPlan(name: string, to: number): { undo: Cmd[] } | { rebuild: { down: Cmd[]; up: readonly Step[]; by: readonly number[] } } {
  const { model, at, marks } = standing(name);
  if (!Number.isInteger(to) || to < 1 || to > at) throw new NslabError(`--rewind ${String(to)} is not a step lab ${name} can go back to (it stands at step ${at})`, { hint: `see \`nslab lab ${model.id} --steps\`` });
  const after = marks.get(to) ?? 0;
  const later = readJournal(journalPath(name)).filter((e) => e.seq > after && mayHaveApplied(e));
  const removing = later.filter((e) => e.removes);
  if (removing.length === 0) return { undo: undoCommands(later).map((u) => u.cmd) };
  return { rebuild: { down: labDownPlan(name), up: model.steps.slice(0, to), by: [...new Set(removing.map((e) => stepOfSeq(marks, e.seq)))] } };
}

/** Undoes exactly what the journal says was applied, then forgets the lab. */
export async function labDown(name: string, runner: Runner): Promise<void> {
  return withLabLock(name, runner, `down ${name}`, async () => {
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
  });
}
