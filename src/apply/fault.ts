import { writeFileSync } from 'node:fs';
import { NslabError } from '../errors.js';
import type { Journal } from './journal.js';

/**
 * Fault injection for the crash tests: `NSLAB_FAULT_AFTER=k` makes nslab send itself
 * `NSLAB_FAULT_SIGNAL` (KILL, the default, or INT) right after the k-th op of this process
 * is applied and journaled as done. It wraps the journal (withFaultInjection), so the
 * point is exact per op however the executor batches commands, and the production journal
 * knows nothing of it. Read here and nowhere else.
 */
export interface FaultPlan {
  readonly after: number;
  readonly signal: 'SIGKILL' | 'SIGINT';
  /**
   * NSLAB_FAULT_REPORT: a file the hook writes, just before the signal, with the ops marked
   * done in the same mark list as the k-th (one process's outcomes, written with nothing in
   * between): the kill points that leave exactly what this one leaves (see the crash test).
   */
  readonly report?: string | undefined;
}

export function faultPlanFromEnv(env: NodeJS.ProcessEnv = process.env): FaultPlan | undefined {
  const raw = env.NSLAB_FAULT_AFTER;
  if (raw === undefined || raw === '') return undefined;
  const after = Number(raw);
  const signal = `SIG${(env.NSLAB_FAULT_SIGNAL ?? 'KILL').toUpperCase().replace(/^SIG/, '')}`;
  if (!Number.isInteger(after) || after < 1 || (signal !== 'SIGKILL' && signal !== 'SIGINT')) {
    throw new NslabError(`invalid fault injection NSLAB_FAULT_AFTER=${raw} NSLAB_FAULT_SIGNAL=${env.NSLAB_FAULT_SIGNAL ?? ''}`, {
      hint: 'NSLAB_FAULT_AFTER takes an op count from 1, NSLAB_FAULT_SIGNAL takes KILL or INT',
    });
  }
  return { after, signal, ...(env.NSLAB_FAULT_REPORT ? { report: env.NSLAB_FAULT_REPORT } : {}) };
}

/**
 * Counts ops marked done and fires the planned signal at the k-th. `list` says how many ops
 * the mark list being written marks done, and where this one is in it: a kill anywhere in one
 * list finds the same kernel (its process had ended) and the same ops that may have applied.
 */
export class FaultCounter {
  readonly #plan: FaultPlan | undefined;
  #done = 0;

  constructor(plan: FaultPlan | undefined) {
    this.#plan = plan;
  }

  opDone(list?: { readonly index: number; readonly size: number }): void {
    if (this.#plan === undefined || ++this.#done !== this.#plan.after) return;
    if (this.#plan.report !== undefined && list) {
      const first = this.#done - list.index;
      writeFileSync(this.#plan.report, `${JSON.stringify({ k: this.#done, first, last: first + list.size - 1 })}\n`);
    }
    process.kill(process.pid, this.#plan.signal);
  }
}

/**
 * The journal a lab is built with: as given, or, when a fault is planned, the same journal
 * firing the planned signal once the k-th op is on record as done.
 */
export function withFaultInjection(journal: Journal, plan: FaultPlan | undefined = faultPlanFromEnv()): Journal {
  if (plan === undefined) return journal;
  const counter = new FaultCounter(plan);
  return {
    intend: (entries) => journal.intend(entries),
    // One mark at a time, so the signal fires with exactly k ops on record as done.
    mark: (marks) => {
      const size = marks.filter((m) => m.status === 'done').length;
      let index = 0;
      for (const m of marks) {
        journal.mark([m]);
        if (m.status === 'done') counter.opDone({ index: index++, size });
      }
    },
    entries: () => journal.entries(),
  };
}
