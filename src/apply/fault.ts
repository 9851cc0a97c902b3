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
  return { after, signal };
}

/** Counts ops marked done and fires the planned signal at the k-th. */
export class FaultCounter {
  readonly #plan: FaultPlan | undefined;
  #done = 0;

  constructor(plan: FaultPlan | undefined) {
    this.#plan = plan;
  }

  opDone(): void {
    if (this.#plan === undefined || ++this.#done !== this.#plan.after) return;
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
      for (const m of marks) {
        journal.mark([m]);
        if (m.status === 'done') counter.opDone();
      }
    },
    entries: () => journal.entries(),
  };
}
