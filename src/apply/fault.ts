import { NslabError } from '../errors.js';

/**
 * Fault injection for the crash tests: `NSLAB_FAULT_AFTER=k` makes nslab send itself
 * `NSLAB_FAULT_SIGNAL` (KILL, the default, or INT) right after the k-th op of this process
 * is applied and journaled as done. The journal calls it, so the point is exact per op
 * however the executor batches commands. Read here and nowhere else.
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
