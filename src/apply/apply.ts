import { CommandError, type Runner } from '../exec/runner.js';
import type { Op } from '../ops/op.js';
import { planBatches, type Batch } from './batches.js';
import type { Journal, NewEntry } from './journal.js';

export interface ApplyOptions {
  /** Processes at the same time when no batch waits for another (2 cores: 2). */
  readonly concurrency?: number;
}

// Batches of ip commands inside a lab namespace can share one process with other such
// batches that are ready at the same moment (see fan-out.ts); the rest run as they are.
const fannable = (b: Batch): boolean => b.key !== undefined && b.key.startsWith('ip|') && b.key !== 'ip|';

/**
 * Applies ops, grouped into as few processes as is safe (see batches.ts), independent
 * batches side by side. Every op is journaled before its process starts and marked with
 * what became of it after. Stops starting work at the first failure, lets running
 * processes finish, and rethrows it; the caller rolls back from the journal (see teardown).
 */
export async function applyOps(ops: readonly Op[], runner: Runner, journal: Journal, options: ApplyOptions = {}): Promise<void> {
  const concurrency = options.concurrency ?? 2;
  const batches = planBatches(ops);
  const done = new Set<number>();
  const started = new Set<number>();
  const running = new Set<Promise<void>>();
  let failure: unknown;
  for (;;) {
    for (const unit of failure === undefined ? readyUnits(batches, started, done, concurrency) : []) {
      if (running.size >= concurrency) break;
      for (const i of unit) started.add(i);
      const work: Promise<void> = applyUnit(unit.map((i) => batches[i]!), runner, journal)
        .catch((err: unknown) => void (failure ??= err))
        .finally(() => {
          for (const i of unit) done.add(i);
          running.delete(work);
        });
      running.add(work);
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  if (failure !== undefined) throw failure;
  if (done.size < batches.length) throw new Error(`internal: ${batches.length - done.size} batches wait on each other`);
}

/**
 * What can start now, as the processes to start: batches whose predecessors are all done,
 * each alone, except that ready `ip` batches of lab namespaces share `concurrency` processes
 * between them (fan-out.ts).
 */
function readyUnits(batches: readonly Batch[], started: ReadonlySet<number>, done: ReadonlySet<number>, concurrency: number): number[][] {
  const ready = batches.flatMap((b, i) => (!started.has(i) && [...b.after].every((d) => done.has(d)) ? [i] : []));
  const fan = ready.filter((i) => fannable(batches[i]!));
  const share = Math.ceil(fan.length / concurrency);
  const shared = Array.from({ length: concurrency }, (_, k) => fan.slice(k * share, (k + 1) * share));
  return [...ready.filter((i) => !fannable(batches[i]!)).map((i) => [i]), ...shared].filter((u) => u.length > 0);
}

/** One process: a lone op, one batch, or ready batches of several namespaces together. */
async function applyUnit(unit: readonly Batch[], runner: Runner, journal: Journal): Promise<void> {
  // Batches ready together are independent of each other, so grouping them by namespace
  // (as one process needs) changes no order that matters; within a namespace, plan order.
  const ops = [...unit].sort((a, b) => (a.key ?? '').localeCompare(b.key ?? '')).flatMap((b) => b.ops);
  const seqs = await journalIntents(ops, runner, journal);
  if (unit.length === 1 && unit[0]!.key === undefined) {
    try {
      await runner.run(ops[0]!.cmd);
    } catch (err) {
      journal.mark([{ seq: seqs[0]!, status: 'failed' }]);
      throw err;
    }
    journal.mark([{ seq: seqs[0]!, status: 'done' }]);
    return;
  }
  const r = await runner.runBatch(ops.map((op) => op.cmd));
  // 'unknown' (the tool did not say which line failed) stays an intent: teardown undoes it.
  journal.mark(r.outcomes.flatMap((outcome, i) => (outcome === 'unknown' ? [] : [{ seq: seqs[i]!, status: outcome }])));
  if (r.error) throw new CommandError(r.error);
}

/**
 * Writes an intent per op, in order, before anything of the process runs, all of them at
 * once. This is the one place an op becomes "journaled": every intent is on file when
 * `intend` returns.
 */
async function journalIntents(ops: readonly Op[], runner: Runner, journal: Journal): Promise<number[]> {
  const entries: NewEntry[] = [];
  for (const op of ops) {
    let undo = op.undo;
    if (op.capture && !runner.dryRun) {
      const previous = await runner.run(op.capture.read);
      undo = op.capture.undo(previous.stdout);
    }
    entries.push({ summary: op.summary, cmd: op.cmd, undo, undoGone: op.undoGone, guard: op.guard, creates: op.creates, within: op.within, ...(op.deletes ? { deletes: op.deletes } : {}), ...(op.removes ? { removes: true as const } : {}) });
  }
  return journal.intend(entries);
}
